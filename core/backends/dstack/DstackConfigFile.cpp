#include "core/backends/dstack/DstackConfigFile.h"

#include <QDir>
#include <QFile>

#include <yaml-cpp/yaml.h>

namespace gantry {

namespace {

QString scalar(const YAML::Node &node, const char *key)
{
    const YAML::Node value = node[key];
    if (!value || !value.IsScalar())
        return {};
    return QString::fromStdString(value.as<std::string>());
}

QString withoutTrailingSlash(QString url)
{
    while (url.endsWith(QLatin1Char('/')))
        url.chop(1);
    return url;
}

} // namespace

QString DstackConfigFile::defaultPath()
{
    const QString fromEnv = qEnvironmentVariable("DSTACK_CONFIG_PATH");
    if (!fromEnv.isEmpty())
        return fromEnv;
    return QDir::homePath() + QStringLiteral("/.dstack/config.yml");
}

DstackConfigFile DstackConfigFile::load(const QString &path)
{
    DstackConfigFile file;
    file.path = path;
    QFile f(path);
    if (!f.exists())
        return file;
    if (!f.open(QIODevice::ReadOnly)) {
        file.error = QStringLiteral("Cannot read %1: %2").arg(path, f.errorString());
        return file;
    }
    const QByteArray text = f.readAll();
    try {
        const YAML::Node root = YAML::Load(text.toStdString());
        if (!root || root.IsNull())
            return file;
        if (!root.IsMap()) {
            file.error = QStringLiteral("%1: expected a mapping with a 'projects' list").arg(path);
            return file;
        }
        const YAML::Node projects = root["projects"];
        if (!projects)
            return file;
        if (!projects.IsSequence()) {
            file.error = QStringLiteral("%1: 'projects' must be a list").arg(path);
            return file;
        }
        for (const YAML::Node &p : projects) {
            if (!p.IsMap())
                continue;
            DstackProject project;
            project.name = scalar(p, "name");
            project.url = scalar(p, "url");
            project.token = scalar(p, "token");
            const YAML::Node def = p["default"];
            project.isDefault = def && def.IsScalar() && def.as<std::string>() == "true";
            if (project.name.isEmpty() || project.url.isEmpty())
                continue;
            file.projects.append(project);
        }
    } catch (const YAML::Exception &e) {
        // The message names the line and column; it never contains the token (yaml-cpp quotes no values).
        file.error = QStringLiteral("%1:%2:%3: %4")
                         .arg(path)
                         .arg(e.mark.line + 1)
                         .arg(e.mark.column + 1)
                         .arg(QString::fromStdString(e.msg));
    }
    return file;
}

std::optional<DstackProject> DstackConfigFile::find(const QString &name) const
{
    for (const DstackProject &p : projects) {
        if (name.isEmpty() ? p.isDefault : p.name == name)
            return p;
    }
    if (name.isEmpty() && projects.size() == 1)
        return projects.first();
    return std::nullopt;
}

std::optional<DstackProject> DstackConfigFile::find(const QString &url, const QString &name) const
{
    for (const DstackProject &p : projects) {
        if (p.name == name && withoutTrailingSlash(p.url) == withoutTrailingSlash(url))
            return p;
    }
    return std::nullopt;
}

} // namespace gantry
