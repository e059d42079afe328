#pragma once

// The request bodies of dstack's fleet endpoints, as pure functions (tests hand each one to
// dstack's own schemas). They follow dstack 0.21.2's client (api/server/_fleets.py,
// core/compatibility/fleets.py, cli/services/configurators/fleet.py):
//  - spec = {configuration, configuration_path, profile}; `autocreated` is never sent; the
//    configuration carries the fields the file sets, as for runs (DstackRequests.h);
//  - an SSH fleet's identity files are read on this machine and their contents go in
//    `ssh_key: {public, private}` beside each `identity_file` (the server cannot read them);
//  - an existing fleet sent back as current_resource loses the deprecated resources
//    description of its instances.
// The spec then holds private keys: it is kept in memory only, and anything shown or written
// goes through withoutSshKeys() first.

#include "core/backends/dstack/DstackRequests.h"
#include "core/config/Configuration.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

#include <functional>
#include <optional>

namespace gantry {

struct SshKeyPair {
    QString publicKey;
    QString privateKey;
};

// Reads the key an identity_file names; nullopt with *error in words when it cannot.
using SshKeyReader = std::function<std::optional<SshKeyPair>(const QString &identityFile, QString *error)>;

// The files themselves: `~` expanded, a relative path taken from `baseDir` (the configuration's
// folder), at most 64 KB; the public half from "<file without suffix>.pub" as dstack's client
// looks for it (Path.with_suffix(".pub")). Blocking file reads: call it off the GUI thread.
SshKeyReader localSshKeyReader(const QString &baseDir);

// Every identity_file the configuration names (ssh_config, its proxy_jump, each host and its
// proxy_jump), in file order, without repeats.
QStringList fleetIdentityFiles(const Configuration &configuration);

// spec for fleets/get_plan and fleets/apply. Env placeholders are resolved like a run's; on a
// missing variable or an unreadable key, nullopt and *error says which.
std::optional<nlohmann::json> dstackFleetSpec(const Configuration &configuration, QString *error,
                                              const SshKeyReader &readKey, const EnvLookup &lookup = {});

// POST fleets/get_plan.
nlohmann::json dstackFleetGetPlanBody(const nlohmann::json &spec);
// POST fleets/apply: the spec, and the plan's current_resource when the fleet exists.
nlohmann::json dstackFleetApplyBody(const nlohmann::json &spec, const nlohmann::json &currentResource);
// A Fleet as the client sends it back in current_resource.
nlohmann::json dstackFleetCurrentResource(nlohmann::json fleet);

// POST fleets/get, fleets/delete, fleets/delete_instances.
nlohmann::json dstackGetFleetBody(const QString &name);
nlohmann::json dstackDeleteFleetsBody(const QStringList &names);
nlohmann::json dstackDeleteFleetInstancesBody(const QString &name, const QList<int> &instanceNums);

// A copy with every `ssh_key` member replaced by null, at any depth: what may be shown,
// logged or stored of a fleet spec, plan or fleet.
nlohmann::json withoutSshKeys(nlohmann::json value);

} // namespace gantry
