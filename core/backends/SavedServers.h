#pragma once

// dstack servers added in Gantry (Settings › dstack servers…): URL and project, kept in the
// application's settings as an array; their tokens live in the OS keychain (TokenStore),
// never here. Read by BackendRegistry, so the GUI and `gantry-cli --project` see the same list.

#include <QList>
#include <QString>

namespace gantry {

struct SavedServer {
    QString url;
    QString project;
    bool operator==(const SavedServer &) const = default;
};

namespace savedservers {

QList<SavedServer> load();
// Adds the server unless it is there already; the order is kept.
void add(const SavedServer &server);
void remove(const SavedServer &server);

} // namespace savedservers

} // namespace gantry
