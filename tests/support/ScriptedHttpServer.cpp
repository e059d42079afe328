#include "tests/support/ScriptedHttpServer.h"

#include <QTcpSocket>
#include <QTimer>

namespace gantry::test {

namespace {

QByteArray statusLine(int status)
{
    static const QHash<int, QByteArray> reasons = {
        {200, "OK"},        {400, "Bad Request"},          {401, "Unauthorized"},          {403, "Forbidden"},
        {404, "Not Found"}, {422, "Unprocessable Entity"}, {500, "Internal Server Error"}, {502, "Bad Gateway"}};
    return "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasons.value(status, "Status") + "\r\n";
}

QByteArray httpChunk(const QByteArray &bytes)
{
    return QByteArray::number(bytes.size(), 16) + "\r\n" + bytes + "\r\n";
}

} // namespace

ScriptedResponse ScriptedResponse::whole(int status, const QByteArray &contentType, const QByteArray &body)
{
    ScriptedResponse r;
    r.steps.append(Step{Step::Write, statusLine(status) + "Content-Type: " + contentType + "\r\nContent-Length: " +
                                         QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body});
    return r;
}

ScriptedResponse ScriptedResponse::json(int status, const QByteArray &body)
{
    return whole(status, "application/json", body);
}

ScriptedResponse ScriptedResponse::eventStream()
{
    ScriptedResponse r;
    r.steps.append(Step{Step::Write, statusLine(200) + "Content-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                                                       "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"});
    return r;
}

ScriptedResponse &ScriptedResponse::chunk(const QByteArray &bytes)
{
    steps.append(Step{Step::Write, httpChunk(bytes)});
    return *this;
}

ScriptedResponse &ScriptedResponse::sse(const QByteArray &data)
{
    return chunk("data: " + data + "\n\n");
}

ScriptedResponse &ScriptedResponse::bytePerChunk(const QByteArray &bytes)
{
    for (char c : bytes) {
        steps.append(Step{Step::Write, httpChunk(QByteArray(1, c))});
        steps.append(Step{Step::Pause, {}, 1}); // so each byte reaches the client on its own
    }
    return *this;
}

ScriptedResponse &ScriptedResponse::pause(int ms)
{
    steps.append(Step{Step::Pause, {}, ms});
    return *this;
}

ScriptedResponse &ScriptedResponse::end()
{
    steps.append(Step{Step::Write, "0\r\n\r\n"});
    return *this;
}

ScriptedResponse &ScriptedResponse::cut()
{
    steps.append(Step{Step::Close, {}});
    return *this;
}

QByteArray contentChunk(const QByteArray &content, const QByteArray &reasoning)
{
    QByteArray delta;
    if (!content.isNull())
        delta += "\"content\":\"" + content + "\"";
    if (!reasoning.isNull())
        delta += QByteArray(delta.isEmpty() ? "" : ",") + "\"reasoning_content\":\"" + reasoning + "\"";
    return R"({"id":"c1","object":"chat.completion.chunk","model":"scripted","choices":[{"index":0,"delta":{)" + delta +
           R"(},"finish_reason":null}]})";
}

ScriptedHttpServer::ScriptedHttpServer(QObject *parent)
    : QObject(parent)
{
    connect(&m_server, &QTcpServer::newConnection, this, &ScriptedHttpServer::onNewConnection);
}

ScriptedHttpServer::~ScriptedHttpServer()
{
    // The sockets die with m_server, after m_connections; they must not call back.
    const QList<QTcpSocket *> sockets = m_server.findChildren<QTcpSocket *>();
    for (QTcpSocket *socket : sockets)
        socket->disconnect(this);
}

bool ScriptedHttpServer::listen()
{
    return m_server.listen(QHostAddress::LocalHost, 0);
}

int ScriptedHttpServer::port() const
{
    return m_server.serverPort();
}

QString ScriptedHttpServer::baseUrl() const
{
    return QStringLiteral("http://127.0.0.1:%1/v1").arg(port());
}

void ScriptedHttpServer::expect(const QByteArray &path, const ScriptedResponse &response)
{
    m_scripts[path].append(response);
}

void ScriptedHttpServer::onNewConnection()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        m_connections.insert(socket, Connection());
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onReadyRead(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            m_connections.remove(socket);
            socket->deleteLater();
        });
    }
}

void ScriptedHttpServer::onReadyRead(QTcpSocket *socket)
{
    Connection &c = m_connections[socket];
    c.buffer += socket->readAll();
    if (c.answered)
        return;
    const qsizetype headerEnd = c.buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0)
        return;
    Request request;
    const QList<QByteArray> lines = c.buffer.left(headerEnd).split('\n');
    const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
    request.method = first.value(0);
    request.path = first.value(1);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon > 0)
            request.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
    }
    const qsizetype length = request.headers.value("content-length", "0").toLongLong();
    if (c.buffer.size() < headerEnd + 4 + length)
        return;
    request.body = c.buffer.mid(headerEnd + 4, length);
    c.answered = true;
    requests.append(request);

    QList<ScriptedResponse> &queue = m_scripts[request.path];
    const ScriptedResponse response =
        queue.isEmpty()
            ? ScriptedResponse::json(
                  404, R"({"error":{"code":404,"message":"no script for this path","type":"not_found_error"}})")
            : queue.takeFirst();
    c.steps = response.steps;
    c.steps.append(ScriptedResponse::Step{ScriptedResponse::Step::Close, {}});
    runSteps(socket);
}

void ScriptedHttpServer::runSteps(QPointer<QTcpSocket> socket)
{
    while (socket && socket->state() == QAbstractSocket::ConnectedState && m_connections.contains(socket)) {
        Connection &c = m_connections[socket];
        if (c.steps.isEmpty())
            return;
        const ScriptedResponse::Step step = c.steps.takeFirst();
        switch (step.kind) {
        case ScriptedResponse::Step::Write:
            socket->write(step.bytes);
            socket->flush();
            break;
        case ScriptedResponse::Step::Pause:
            QTimer::singleShot(step.ms, this, [this, socket] { runSteps(socket); });
            return;
        case ScriptedResponse::Step::Close:
            c.steps.clear();
            socket->disconnectFromHost();
            return;
        }
    }
}

int unusedPort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    return server.serverPort();
}

} // namespace gantry::test
