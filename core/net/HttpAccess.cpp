#include "core/net/HttpAccess.h"

#include "core/common/GantryModule.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

namespace gantry {

namespace {

// A request that cannot be sent: it finishes on the event loop with the module's problem.
class MissingModuleExchange final : public HttpExchange
{
public:
    MissingModuleExchange(QString problem, HttpCallbacks callbacks)
        : m_problem(std::move(problem))
        , m_callbacks(std::move(callbacks))
    {
        QTimer::singleShot(0, &m_context, [this] { finish(); });
    }
    int status() const override { return 0; }
    QString reasonPhrase() const override { return {}; }
    QByteArray header(const QByteArray &) const override { return {}; }
    HttpError error() const override { return m_aborted ? HttpError::Canceled : HttpError::ModuleMissing; }
    QString errorString() const override { return m_aborted ? QStringLiteral("Operation canceled") : m_problem; }
    bool isFinished() const override { return m_finished; }
    qint64 bytesAvailable() const override { return 0; }
    QByteArray read(qint64) override { return {}; }
    void setReadBufferSize(qint64) override {}
    void abort() override
    {
        m_aborted = true;
        finish();
    }
    void close(bool) override { m_callbacks = {}; }

private:
    void finish()
    {
        if (m_finished)
            return;
        m_finished = true;
        if (const auto done = m_callbacks.finished)
            done(); // may delete this
    }

    QObject m_context; // the pending finish goes with the exchange
    QString m_problem;
    HttpCallbacks m_callbacks;
    bool m_finished = false;
    bool m_aborted = false;
};

class MissingModuleClient final : public HttpClient
{
public:
    explicit MissingModuleClient(QString problem)
        : m_problem(std::move(problem))
    {}
    std::unique_ptr<HttpExchange> send(const HttpRequest &, HttpCallbacks callbacks) override
    {
        return std::make_unique<MissingModuleExchange>(m_problem, std::move(callbacks));
    }

private:
    QString m_problem;
};

} // namespace

HttpAccess *httpAccess(QString *error)
{
    return gantryModuleInstance<HttpAccess>(QStringLiteral("libgantry_network.so"), GANTRY_MAKE_HTTP_ACCESS, error);
}

std::unique_ptr<HttpClient> makeHttpClient(bool noProxy)
{
    QString problem;
    if (HttpAccess *access = httpAccess(&problem))
        return access->makeClient(noProxy);
    return std::make_unique<MissingModuleClient>(problem);
}

} // namespace gantry
