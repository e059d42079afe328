#pragma once

#include <QString>

namespace gantry {

// Where Gantry keeps its state: runs (spec, status, logs), the chat database, backups.
// $GANTRY_HOME when set (tests always set it), else the XDG data dir ($XDG_DATA_HOME/gantry,
// i.e. ~/.local/share/gantry). The directory is created on first use.
QString stateDir();

// stateDir()/runs — one sub-directory per local run.
QString runsDir();

// stateDir()/chat.sqlite — the conversation store.
QString chatDatabasePath();

// Creates path (and its parents) and makes it 0700; returns path. Everything Gantry keeps
// (runs with their environment, chat history, editor backups) lives in such directories.
QString makePrivateDir(const QString &path);

// chmod 0600.
void makePrivateFile(const QString &path);

// Writes data to path atomically (mode 0600; temporary file + rename), so readers never see a
// half-written file. False with *error (a message a user can act on) when it cannot.
bool writeFileAtomically(const QString &path, const QByteArray &data, QString *error);

} // namespace gantry
