#include "core/backends/dstack/DstackFleetRequests.h"
#include "core/common/BoundedRead.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace gantry {

using json = nlohmann::json;

namespace {

constexpr qint64 kMaxKeyBytes = 64 * 1024;

std::optional<QString> readSmallFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = file.errorString();
        return std::nullopt;
    }
    if (file.size() > kMaxKeyBytes) {
        if (error)
            *error = QStringLiteral("it is %1 KB; a key file is a few KB").arg(file.size() / 1024);
        return std::nullopt;
    }
    return QString::fromUtf8(readAtMost(file, kMaxKeyBytes + 1));
}

// Calls f on every object of an ssh_config that may carry identity_file/ssh_key, in file order.
template <typename F>
void forEachKeyHolder(json &sshConfig, F f)
{
    if (!sshConfig.is_object())
        return;
    auto withProxy = [&f](json &holder) {
        f(holder);
        if (auto proxy = holder.find("proxy_jump"); proxy != holder.end() && proxy->is_object())
            f(*proxy);
    };
    withProxy(sshConfig);
    if (auto hosts = sshConfig.find("hosts"); hosts != sshConfig.end() && hosts->is_array())
        for (json &host : *hosts)
            if (host.is_object())
                withProxy(host);
}

void scrub(json &value)
{
    if (value.is_object()) {
        for (auto it = value.begin(); it != value.end(); ++it) {
            if (it.key() == "ssh_key")
                *it = nullptr;
            else
                scrub(*it);
        }
    } else if (value.is_array()) {
        for (json &item : value)
            scrub(item);
    }
}

} // namespace

SshKeyReader localSshKeyReader(const QString &baseDir)
{
    return [baseDir](const QString &identityFile, QString *error) -> std::optional<SshKeyPair> {
        QString path = identityFile;
        if (path == QLatin1String("~") || path.startsWith(QLatin1String("~/")))
            path = QDir::homePath() + path.mid(1);
        else if (QFileInfo(path).isRelative() && !baseDir.isEmpty())
            path = QDir(baseDir).filePath(path);
        QString why;
        const auto privateKey = readSmallFile(path, &why);
        if (!privateKey) {
            if (error)
                *error = QStringLiteral("cannot read the SSH key %1 (identity_file): %2").arg(identityFile, why);
            return std::nullopt;
        }
        // dstack's client: Path(identity_file).with_suffix(".pub").
        const QFileInfo info(path);
        const QString base = info.suffix().isEmpty() || info.completeBaseName().isEmpty()
                                 ? info.filePath()
                                 : info.dir().filePath(info.completeBaseName());
        const auto publicKey = readSmallFile(base + QStringLiteral(".pub"), &why);
        if (!publicKey) {
            if (error)
                *error = QStringLiteral("the SSH key %1 has no public half %2.pub beside it (%3); create it with "
                                        "`ssh-keygen -y -f %1 > %2.pub`")
                             .arg(identityFile, base, why);
            return std::nullopt;
        }
        return SshKeyPair{publicKey->trimmed() + QLatin1Char('\n'), *privateKey};
    };
}

QStringList fleetIdentityFiles(const Configuration &configuration)
{
    QStringList files;
    json sshConfig = configuration.canonical.is_object() ? configuration.canonical.value("ssh_config", json()) : json();
    forEachKeyHolder(sshConfig, [&files](json &holder) {
        const json &file = holder.value("identity_file", json());
        if (file.is_string()) {
            const QString path = QString::fromStdString(file.get<std::string>());
            if (!files.contains(path))
                files << path;
        }
    });
    return files;
}

std::optional<json> dstackFleetSpec(const Configuration &configuration, QString *error, const SshKeyReader &readKey,
                                    const EnvLookup &lookup)
{
    std::optional<json> resolved = dstackConfigurationBody(configuration, error, lookup);
    if (!resolved)
        return std::nullopt;
    json &conf = *resolved;
    QString why;
    if (auto ssh = conf.find("ssh_config"); ssh != conf.end()) {
        forEachKeyHolder(*ssh, [&](json &holder) {
            const json &file = holder.value("identity_file", json());
            if (!why.isEmpty() || !file.is_string() || holder.contains("ssh_key"))
                return;
            if (!readKey) {
                why = QStringLiteral("no way to read the SSH key %1")
                          .arg(QString::fromStdString(file.get<std::string>()));
                return;
            }
            const auto key = readKey(QString::fromStdString(file.get<std::string>()), &why);
            if (key)
                holder["ssh_key"] = {{"public", key->publicKey.toStdString()},
                                     {"private", key->privateKey.toStdString()}};
        });
        if (!why.isEmpty()) {
            if (error)
                *error = why;
            return std::nullopt;
        }
    }
    json spec = json::object();
    spec["configuration"] = conf;
    spec["configuration_path"] =
        configuration.filePath.isEmpty() ? json(nullptr) : json(configuration.filePath.toStdString());
    spec["profile"] = json::object(); // FleetSpec requires one; the file's own fields override it
    return spec;
}

json dstackFleetGetPlanBody(const json &spec)
{
    return {{"spec", spec}};
}

json dstackFleetCurrentResource(json fleet)
{
    if (!fleet.is_object())
        return nullptr;
    if (auto spec = fleet.find("spec"); spec != fleet.end() && spec->is_object())
        spec->erase("autocreated");
    if (auto instances = fleet.find("instances"); instances != fleet.end() && instances->is_array()) {
        for (json &instance : *instances) {
            if (!instance.is_object())
                continue;
            auto type = instance.find("instance_type");
            if (type == instance.end() || !type->is_object())
                continue;
            if (auto resources = type->find("resources"); resources != type->end() && resources->is_object())
                resources->erase("description");
        }
    }
    return fleet;
}

json dstackFleetApplyBody(const json &spec, const json &currentResource)
{
    return {{"plan", {{"spec", spec}, {"current_resource", dstackFleetCurrentResource(currentResource)}}},
            {"force", false}};
}

json dstackGetFleetBody(const QString &name)
{
    return {{"name", name.toStdString()}};
}

json dstackDeleteFleetsBody(const QStringList &names)
{
    json list = json::array();
    for (const QString &name : names)
        list.push_back(name.toStdString());
    return {{"names", list}};
}

json dstackDeleteFleetInstancesBody(const QString &name, const QList<int> &instanceNums)
{
    json nums = json::array();
    for (int n : instanceNums)
        nums.push_back(n);
    return {{"name", name.toStdString()}, {"instance_nums", nums}};
}

json withoutSshKeys(json value)
{
    scrub(value);
    return value;
}

} // namespace gantry
