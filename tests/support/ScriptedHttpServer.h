#pragma once

// A tiny HTTP/1.1 server on 127.0.0.1 whose answers are scripted byte by byte, so tests can
// make a chat server misbehave exactly: cut a stream, drip one byte per chunk, stall, send
// an error event or garbage. Every connection reads one request and gets the next response
// queued for its path (404 when none), then the connection closes.

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QTcpServer>

class QTcpSocket;

namespace gantry::test {

class ScriptedResponse
{
public:
    // Content-Length body with the given status and Content-Type: application/json.
    static ScriptedResponse json(int status, const QByteArray &body);
    // Same, any content type.
    static ScriptedResponse whole(int status, const QByteArray &contentType, const QByteArray &body);
    // 200 text/event-stream, chunked; add chunks with the builders below.
    static ScriptedResponse eventStream();

    ScriptedResponse &chunk(const QByteArray &bytes); // one HTTP chunk
    ScriptedResponse &sse(const QByteArray &data); // "data: <data>\n\n" as one chunk
    ScriptedResponse &bytePerChunk(const QByteArray &bytes); // one HTTP chunk per byte, each sent alone
    ScriptedResponse &pause(int ms);
    ScriptedResponse &end(); // the terminating zero-size chunk
    ScriptedResponse &cut(); // close the connection now

    // The raw steps, for the server.
    struct Step {
        enum Kind { Write, Pause, Close } kind;
        QByteArray bytes;
        int ms = 0;
    };
    QList<Step> steps;
};

// A streamed chat completion chunk carrying content and/or reasoning ("" for none).
QByteArray contentChunk(const QByteArray &content, const QByteArray &reasoning = {});

class ScriptedHttpServer : public QObject
{
    Q_OBJECT
public:
    struct Request {
        QByteArray method;
        QByteArray path;
        QHash<QByteArray, QByteArray> headers; // names lower-cased
        QByteArray body;
    };

    explicit ScriptedHttpServer(QObject *parent = nullptr);
    ~ScriptedHttpServer() override;
    bool listen(); // on 127.0.0.1, a free port
    int port() const;
    QString baseUrl() const; // http://127.0.0.1:P/v1

    void expect(const QByteArray &path, const ScriptedResponse &response);
    QList<Request> requests;

private:
    struct Connection {
        QByteArray buffer;
        QList<ScriptedResponse::Step> steps;
        bool answered = false;
    };
    void onNewConnection();
    void onReadyRead(QTcpSocket *socket);
    void runSteps(QPointer<QTcpSocket> socket);

    QTcpServer m_server;
    QHash<QByteArray, QList<ScriptedResponse>> m_scripts;
    QHash<QTcpSocket *, Connection> m_connections;
};

// A port nothing listens on (bound once, then released).
int unusedPort();

} // namespace gantry::test
