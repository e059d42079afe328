#pragma once

// Turning a failed dstack request into words a user can act on (docs/reference/dstack-api.md#answers).
// Every failure of the REST client becomes one DstackError: the HTTP status (0 when no
// answer came), dstack's error code when it sent one, and a message that says what to fix.

#include "core/net/HttpAccess.h"

#include <QByteArray>
#include <QString>

namespace gantry {

struct DstackError {
    enum class Kind { Network, Timeout, Tls, Http };
    Kind kind = Kind::Http;
    int httpStatus = 0;
    QString code; // dstack's detail code: resource_not_exists, error, … (may be empty)
    QString message; // for the user

    // No HTTP answer at all: the server is gone or unreachable (not a refusal).
    bool isConnectionLoss() const { return kind != Kind::Http; }
    bool isResourceNotExists() const { return code == QLatin1String("resource_not_exists"); }
};

// Where the request went, so that messages can name the server and project.
struct DstackRequestContext {
    QString serverUrl;
    QString project; // empty for server-wide endpoints
    QString path; // e.g. /api/project/main/runs/get
};

// HTTP answer with a status >= 400 → error (parses `detail` as string | object | array).
DstackError dstackHttpError(int status, const QByteArray &body, const DstackRequestContext &context);

// No usable answer: refused, DNS, TLS, reset…
DstackError dstackNetworkError(HttpError error, const QString &errorString, const DstackRequestContext &context);

DstackError dstackTimeoutError(int timeoutMs, const DstackRequestContext &context);

} // namespace gantry
