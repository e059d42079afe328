#include "tests/support/FakeDstackServer.h"

#include "tests/support/DstackOracle.h"
#include "tests/support/TestEnvironment.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>
#include <QUrlQuery>

namespace gantry::test {

namespace {

nlohmann::json send(const QString &url, const QByteArray &verb, const nlohmann::json &body)
{
    QNetworkAccessManager network;
    QNetworkRequest request{QUrl(url)};
    request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    QNetworkReply *reply = network.sendCustomRequest(
        request, verb, body.is_null() ? QByteArray() : QByteArray::fromStdString(body.dump()));
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    loop.exec();
    const QByteArray data = reply->readAll();
    reply->deleteLater();
    return nlohmann::json::parse(data.constData(), data.constData() + data.size(), nullptr, false);
}

} // namespace

FakeDstackServer::FakeDstackServer(const QString &stateDir)
    : m_script(sourceDir() + QStringLiteral("/tests/support/dstack/fake_dstack_server.py"))
    , m_stateFile(stateDir + QStringLiteral("/fake-dstack-state.json"))
{}

FakeDstackServer::~FakeDstackServer()
{
    kill();
}

bool FakeDstackServer::start(QString *error, const QStringList &extraArgs)
{
    if (!extraArgs.isEmpty())
        m_args = extraArgs;
    QString why;
    const QString python = oraclePython(&why);
    if (python.isEmpty()) {
        *error = QStringLiteral("the fake dstack server needs dstack's oracle: ") + why;
        return false;
    }
    m_process = std::make_unique<QProcess>();
    m_process->setProcessChannelMode(QProcess::SeparateChannels);
    m_process->start(python, QStringList{m_script, QString::number(m_port), QStringLiteral("--state"), m_stateFile,
                                         QStringLiteral("--oracle"), oracleDir()} +
                                 m_args);
    if (!m_process->waitForStarted(10000)) {
        *error = QStringLiteral("cannot start the fake dstack server: ") + m_process->errorString();
        return false;
    }
    while (!m_process->canReadLine()) {
        if (!m_process->waitForReadyRead(10000)) {
            *error = QStringLiteral("the fake dstack server printed no port: ") +
                     QString::fromUtf8(m_process->readAllStandardError());
            return false;
        }
    }
    m_port = QString::fromUtf8(m_process->readLine()).trimmed().toInt();
    return m_port > 0;
}

void FakeDstackServer::kill()
{
    if (!m_process)
        return;
    m_process->kill();
    m_process->waitForFinished(5000);
    m_process.reset();
}

nlohmann::json FakeDstackServer::hook(const QString &path, const nlohmann::json &body) const
{
    return send(url() + QStringLiteral("/__test__/") + path, "POST", body.is_null() ? nlohmann::json::object() : body);
}

nlohmann::json FakeDstackServer::get(const QString &pathAndQuery) const
{
    return send(url() + pathAndQuery, "GET", nullptr);
}

nlohmann::json FakeDstackServer::requests() const
{
    return get(QStringLiteral("/__test__/requests"));
}

QStringList FakeDstackServer::refusedOrUnjudged(QStringList *judged) const
{
    static const QStringList noSchema = {QStringLiteral("/api/server/get_info"),
                                         QStringLiteral("/api/users/get_my_user")};
    QStringList problems;
    const nlohmann::json all = requests();
    for (const auto &r : all) {
        const QString path = QString::fromStdString(r.value("path", std::string()));
        if (r.value("method", std::string()) != "POST" || noSchema.contains(path))
            continue;
        if (!r["endpoint"].is_string()) {
            problems << QStringLiteral("%1: no dstack schema judged it").arg(path);
            continue;
        }
        const QString endpoint = QString::fromStdString(r["endpoint"].get<std::string>());
        if (judged && !judged->contains(endpoint))
            judged->append(endpoint);
        if (!r["errors"].empty())
            problems << QStringLiteral("%1 (%2): %3 refused by dstack's schema: %4")
                            .arg(path, endpoint, QString::fromStdString(r["body"].dump()),
                                 QString::fromStdString(r["errors"].dump()));
    }
    return problems;
}

nlohmann::json FakeDstackServer::lastRequest(const QString &apiPath) const
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("path"), apiPath);
    return get(QStringLiteral("/__test__/last_request?") + query.toString(QUrl::FullyEncoded));
}

} // namespace gantry::test
