#pragma once

// `files:` as dstack's client sends them (api/_public/runs.py, utils/files.py in dstack 0.21.2;
// see docs/reference/dstack-api.md#files): each local path is packed into an uncompressed tar
// named by the SHA-256 of its bytes, uploaded once, and referenced from run_spec.file_archives.
// This file holds the two steps that touch the disk; the upload itself is DstackBackend's.
//
// What is packed, as dstack packs it: the folder (or file) itself under its own name, then
// everything below it in path order; .gitignore, .ignore and .dstackignore rules are followed
// (nested ones and those of the folder's ancestors, see IgnoreRules), the folder's own .git is
// left out and dot-files are kept. A symbolic link whose target lies inside the folder stays a
// (relative) link; one pointing outside is replaced by what it points to.

#include "core/config/Configuration.h"

#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace gantry {

struct DstackFileMapping {
    QString localPath; // absolute and clean, `~` expanded
    QString path; // where it goes in the container, as written
};

// Resolves a configuration's `files:` as dstack's client does before planning: `~` expanded, a
// relative local path taken from the configuration file's folder. Every path must exist, else
// nullopt and *error is "FILE:LINE:COL: Path '…' specified in `files` does not exist".
std::optional<std::vector<DstackFileMapping>> dstackFileMappings(const Configuration &configuration, QString *error);

struct DstackPackedFiles {
    QString hash; // SHA-256 of the tar's bytes, hex: the archive's name on the server
    qint64 bytes = 0;
    QStringList members; // the names in the archive, in its order ("data/", "data/a.txt", …)
    QString error; // set when nothing usable was written
};

// Packs localPath (absolute) into a tar at tarPath. Blocking (file I/O): run it off the GUI
// thread. Stops with an error as soon as the archive would pass maxBytes.
DstackPackedFiles packDstackFiles(const QString &localPath, const QString &tarPath, qint64 maxBytes);

} // namespace gantry
