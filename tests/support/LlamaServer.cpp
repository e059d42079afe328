#include "tests/support/LlamaServer.h"

#include "tests/support/TestEnvironment.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTcpServer>

namespace gantry::test {

namespace {

// scripts/build-llama-server's cache, as found when the build was configured.
QString cacheDir()
{
    return QStringLiteral(GANTRY_TEST_LLAMA_DIR);
}

// One GET, answered or not within timeoutMs; returns the HTTP status (0 = no answer).
int httpStatus(const QString &url, int timeoutMs)
{
    QNetworkAccessManager nam;
    QNetworkRequest request{QUrl(url)};
    request.setTransferTimeout(timeoutMs);
    QNetworkReply *reply = nam.get(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    reply->deleteLater();
    return status;
}

} // namespace

QString llamaServerPath()
{
    const QString fromEnv = qEnvironmentVariable("GANTRY_LLAMA_SERVER");
    if (!fromEnv.isEmpty() && QFileInfo(fromEnv).isExecutable())
        return fromEnv;
    const QString cached = cacheDir() + QStringLiteral("/bin/llama-server");
    return QFileInfo(cached).isExecutable() ? cached : QString();
}

QString tinyModelPath(QString *error)
{
    const QString model = cacheDir() + QStringLiteral("/models/tiny.gguf");
    if (QFileInfo::exists(model))
        return model;
    QProcess make;
    make.setProcessChannelMode(QProcess::MergedChannels);
    make.start(QStringLiteral("/usr/bin/python3"),
               {sourceDir() + QStringLiteral("/scripts/make-tiny-model"), QStringLiteral("--llama-dir"), cacheDir(),
                QStringLiteral("--out"), model});
    if (!make.waitForFinished(120000) || make.exitCode() != 0 || !QFileInfo::exists(model)) {
        if (error)
            *error = QStringLiteral("cannot make the tiny model (run scripts/setup first): ") +
                     QString::fromUtf8(make.readAll());
        return {};
    }
    return model;
}

int freePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

LlamaServer::LlamaServer() = default;

LlamaServer::~LlamaServer()
{
    stop();
}

QString LlamaServer::rootUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1").arg(m_port);
}

QString LlamaServer::baseUrl() const
{
    return rootUrl() + QStringLiteral("/v1");
}

QString LlamaServer::output() const
{
    return m_process ? QString::fromUtf8(m_process->readAllStandardOutput()) : QString();
}

bool LlamaServer::start(QString *error, const QStringList &extraArgs)
{
    const QString server = llamaServerPath();
    if (server.isEmpty()) {
        *error = QStringLiteral("llama-server not found: run scripts/setup (or set GANTRY_LLAMA_SERVER)");
        return false;
    }
    const QString model = tinyModelPath(error);
    if (model.isEmpty())
        return false;

    // A port can be taken between freePort() and bind(); try a few.
    for (int attempt = 0; attempt < 5; ++attempt) {
        m_port = freePort();
        m_process = std::make_unique<QProcess>();
        m_process->setProcessChannelMode(QProcess::MergedChannels);
        m_process->start(server,
                         QStringList{QStringLiteral("-m"), model, QStringLiteral("--host"), QStringLiteral("127.0.0.1"),
                                     QStringLiteral("--port"), QString::number(m_port), QStringLiteral("-np"),
                                     QStringLiteral("1"), QStringLiteral("-n"), QStringLiteral("256")} +
                             extraArgs);
        if (!m_process->waitForStarted(10000)) {
            *error = QStringLiteral("cannot start %1: %2").arg(server, m_process->errorString());
            return false;
        }
        QDeadlineTimer deadline(30000);
        while (!deadline.hasExpired() && m_process->state() == QProcess::Running) {
            if (httpStatus(rootUrl() + QStringLiteral("/health"), 1000) == 200)
                return true;
            m_process->waitForReadyRead(100);
        }
        const QString out = QString::fromUtf8(m_process->readAll());
        stop();
        if (!out.contains(QLatin1String("bind")) && !out.contains(QLatin1String("address already in use"))) {
            *error = QStringLiteral("llama-server did not become healthy: ") + out.right(2000);
            return false;
        }
    }
    *error = QStringLiteral("llama-server could not bind a free port");
    return false;
}

void LlamaServer::stop()
{
    if (!m_process)
        return;
    if (m_process->state() != QProcess::NotRunning) {
        m_process->terminate();
        if (!m_process->waitForFinished(5000)) {
            m_process->kill();
            m_process->waitForFinished(5000);
        }
    }
    m_process.reset();
}

} // namespace gantry::test
