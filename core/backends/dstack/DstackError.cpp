#include "core/backends/dstack/DstackError.h"
#include "core/backends/dstack/DstackJson.h"

#include "core/common/UntrustedText.h"

#include <QStringList>

#include <nlohmann/json.hpp>

namespace gantry {

namespace {

// Server text for a message: never dump() (an untrusted value may nest deep enough to
// overflow the stack), bounded, without control characters.
QString text(const nlohmann::json &j)
{
    if (j.is_null())
        return {};
    QString t = j.is_string() ? QString::fromStdString(j.get_ref<const std::string &>()) : boundedJsonText(j);
    if (t.size() > 2000)
        t = t.left(2000) + QStringLiteral("…");
    return withoutControlCharacters(t, false);
}

// One detail item: dstack's {"msg", "code"} or FastAPI's {"loc", "msg", "type"}.
QString itemText(const nlohmann::json &item, QString *code)
{
    if (!item.is_object())
        return text(item);
    if (code && code->isEmpty() && item.contains("code") && item["code"].is_string())
        *code = text(item["code"]);
    QString msg = item.contains("msg") ? text(item["msg"]) : text(item);
    if (auto loc = item.find("loc"); loc != item.end() && loc->is_array()) {
        QStringList parts;
        for (const auto &p : *loc)
            parts << (p.is_string() ? text(p) : QString::number(p.is_number_integer() ? p.get<int>() : 0));
        if (!parts.isEmpty() && parts.first() == QLatin1String("body"))
            parts.removeFirst();
        if (!parts.isEmpty())
            msg = parts.join(QLatin1Char('.')) + QStringLiteral(": ") + msg;
    }
    if (auto fields = item.find("fields"); fields != item.end() && fields->is_array() && !fields->empty()) {
        QStringList parts;
        for (const auto &f : *fields)
            parts << text(f);
        msg = parts.join(QLatin1Char('.')) + QStringLiteral(": ") + msg;
    }
    return msg;
}

// The messages of a `detail` (string | object | array), joined; top-level {"msg"} too.
QString detailText(const nlohmann::json &body, QString *code)
{
    if (!body.is_object())
        return {};
    auto detail = body.find("detail");
    if (detail == body.end()) {
        if (body.contains("msg"))
            return itemText(body, code);
        return {};
    }
    if (detail->is_array()) {
        QStringList msgs;
        for (const auto &item : *detail) {
            if (msgs.size() == 20) {
                msgs << QStringLiteral("…");
                break;
            }
            msgs << itemText(item, code);
        }
        return msgs.join(QStringLiteral("; "));
    }
    return itemText(*detail, code);
}

} // namespace

DstackError dstackHttpError(int status, const QByteArray &body, const DstackRequestContext &context)
{
    DstackError e;
    e.kind = DstackError::Kind::Http;
    e.httpStatus = status;
    const nlohmann::json json = nlohmann::json::parse(body.constData(), body.constData() + body.size(), nullptr, false);
    const QString detail = json.is_discarded() ? QString() : detailText(json, &e.code);
    const QString server = context.serverUrl;

    if (status == 400) {
        e.message = detail.isEmpty() ? QStringLiteral("The dstack server rejected the request (HTTP 400).") : detail;
    } else if (status == 401 || status == 403) {
        if (detail == QLatin1String("Not authenticated"))
            e.message = QStringLiteral("The dstack server at %1 needs a token: none was sent. Add the project's token "
                                       "in Settings or ~/.dstack/config.yml.")
                            .arg(server);
        else if (detail == QLatin1String("Invalid token"))
            e.message = QStringLiteral("The dstack server at %1 rejected the token (Invalid token). Copy a valid token "
                                       "from the dstack UI (user settings) into Settings.")
                            .arg(server);
        else
            e.message =
                QStringLiteral("Access denied by the dstack server at %1%2: %3. Is this user a member of the project?")
                    .arg(server,
                         context.project.isEmpty() ? QString()
                                                   : QStringLiteral(" for project '%1'").arg(context.project),
                         detail.isEmpty() ? QStringLiteral("HTTP %1").arg(status) : detail);
    } else if (status == 404) {
        if (!context.project.isEmpty() && json.is_object() && json.contains("detail") && json["detail"].is_object())
            e.message =
                QStringLiteral("Project '%1' does not exist on the dstack server at %2 (check the project name).")
                    .arg(context.project, server);
        else
            e.message = QStringLiteral("The server at %1 has no endpoint %2 — is this a dstack server, and is the URL "
                                       "(with its path prefix) right?")
                            .arg(server, context.path);
    } else if (status == 405) {
        e.message =
            QStringLiteral(
                "The server at %1 does not accept this request on %2 (Method Not Allowed) — is it a dstack server?")
                .arg(server, context.path);
    } else if (status == 422) {
        e.message =
            QStringLiteral("The dstack server rejected the request's shape (is the server version compatible?): %1")
                .arg(detail.isEmpty() ? QStringLiteral("HTTP 422") : detail);
    } else if (status >= 500) {
        QString snippet =
            detail.isEmpty()
                ? withoutControlCharacters(
                      QString::fromUtf8(body.first(std::min<qsizetype>(body.size(), 1024))).trimmed(), false)
                : detail;
        if (snippet.size() > 200)
            snippet = snippet.left(200) + QStringLiteral("…");
        e.message =
            QStringLiteral(
                "The dstack server at %1 failed (HTTP %2)%3. Try again; if it persists, check the server's log.")
                .arg(server)
                .arg(status)
                .arg(snippet.isEmpty() ? QString() : QStringLiteral(": ") + snippet);
    } else {
        e.message = QStringLiteral("Unexpected answer from the dstack server (HTTP %1)%2")
                        .arg(status)
                        .arg(detail.isEmpty() ? QString() : QStringLiteral(": ") + detail);
    }
    return e;
}

DstackError dstackNetworkError(HttpError error, const QString &errorString, const DstackRequestContext &context)
{
    DstackError e;
    switch (error) {
    case HttpError::ModuleMissing:
        e.kind = DstackError::Kind::Network;
        e.message = errorString; // a broken installation, not the server: the sentence says what to do
        return e;
    case HttpError::Tls:
    case HttpError::Other:
        if (error == HttpError::Tls || errorString.contains(QLatin1String("SSL"), Qt::CaseInsensitive) ||
            errorString.contains(QLatin1String("TLS"), Qt::CaseInsensitive)) {
            e.kind = DstackError::Kind::Tls;
            e.message = QStringLiteral("TLS error talking to the dstack server at %1: %2. Check the certificate, or "
                                       "whether the URL should be http:// rather than https://.")
                            .arg(context.serverUrl, errorString);
            return e;
        }
        break;
    default:
        break;
    }
    e.kind = DstackError::Kind::Network;
    e.message = QStringLiteral("Cannot reach the dstack server at %1: %2. Is it running, and is the URL right?")
                    .arg(context.serverUrl, errorString);
    return e;
}

DstackError dstackTimeoutError(int timeoutMs, const DstackRequestContext &context)
{
    DstackError e;
    e.kind = DstackError::Kind::Timeout;
    e.message =
        QStringLiteral("The dstack server at %1 did not answer %2 within %3 s. It may be overloaded or unreachable.")
            .arg(context.serverUrl, context.path)
            .arg(timeoutMs / 1000.0);
    return e;
}

DstackError dstackShapeError(const QString &serverUrl, const QString &path, const QString &what)
{
    DstackError e;
    e.kind = DstackError::Kind::Http;
    e.httpStatus = 200;
    e.code = QStringLiteral("unexpected_shape");
    e.message =
        QStringLiteral("The server's answer is not what dstack sends: %1 answered %2 with %3. Is it a dstack server of "
                       "a version Gantry speaks to (0.21.x)?")
            .arg(serverUrl, path, what);
    return e;
}

} // namespace gantry
