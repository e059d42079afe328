#pragma once

// The dstack CLI's own configuration, ~/.dstack/config.yml, so that a dstack CLI user is
// connected at first start:
//
//   projects:
//   - name: main
//     url: http://127.0.0.1:3000
//     token: 3f6a1c9e-…
//     default: true
//
// The dstack CLI keeps the token there in plain text; Gantry reads it but never writes
// tokens anywhere except the OS keychain (core/secrets/TokenStore), and never logs them.

#include <QList>
#include <QString>

#include <optional>

namespace gantry {

struct DstackProject {
    QString name;
    QString url;
    QString token; // secret: never print
    bool isDefault = false;
};

struct DstackConfigFile {
    QString path;
    QList<DstackProject> projects;
    QString error; // set when the file exists but cannot be read; a missing file is no error

    // $DSTACK_CONFIG_PATH when set (tests use it), else ~/.dstack/config.yml.
    static QString defaultPath();
    static DstackConfigFile load(const QString &path = defaultPath());

    // By name; an empty name picks the default project (or the only one).
    std::optional<DstackProject> find(const QString &name) const;
    // The project that belongs to this server URL and project name (for token fallback).
    std::optional<DstackProject> find(const QString &url, const QString &name) const;
};

} // namespace gantry
