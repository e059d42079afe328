#pragma once

// Whether the OS keychain can hold tokens, asked once at GUI start so that the user is told
// when it cannot (issue 11). Asked in a child process, `gantry-cli keychain` beside this
// program: the GUI then loads neither qtkeychain nor libsecret, gio and gobject for a start
// that needs no token (issue 14), and a D-Bus that hangs cannot hold the GUI. Without that
// sibling (or one too old to know the verb) it is asked in this process.

#include <QString>

#include <functional>

class QObject;

namespace gantry {

// done runs once on the event loop, through context: an empty string when a keychain is
// available, otherwise what to tell the user (TokenStore's "No OS keychain is available…").
void checkKeychain(QObject *context, std::function<void(const QString &unavailable)> done);

} // namespace gantry
