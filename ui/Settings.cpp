#include "ui/Settings.h"

#include <QDir>
#include <QSettings>

namespace gantry::ui {

namespace {

struct Entry {
    const char *name;
    QVariant defaultValue;
};

Entry entry(Settings::Key key)
{
    using K = Settings::Key;
    switch (key) {
    case K::RecentProjects:
        return {"projects/recent", QStringList()};
    case K::WindowGeometry:
        return {"window/geometry", QByteArray()};
    case K::WindowState:
        return {"window/state", QByteArray()};
    case K::MainSplitter:
        return {"window/splitter", QByteArray()};
    case K::CurrentTab:
        return {"window/tab", 0};
    case K::EditorFontSize:
        return {"editor/fontSize", 10};
    case K::LogShowTimestamps:
        return {"logs/timestamps", true};
    case K::LogFollow:
        return {"logs/follow", true};
    case K::ChatSystemPrompt:
        return {"chat/systemPrompt", QString()};
    case K::ChatTemperature:
        return {"chat/temperature", 0.7};
    case K::ChatMaxTokens:
        return {"chat/maxTokens", 512};
    case K::ManualEndpoints:
        return {"chat/endpoints", QStringList()};
    case K::Notifications:
        return {"notifications/enabled", true};
    case K::BudgetPerRun:
        return {"budget/perRun", 0.0};
    case K::BudgetPerDay:
        return {"budget/perDay", 0.0};
    case K::StopAtBudget:
        return {"budget/stopAtBudget", false};
    }
    return {"", QVariant()};
}

} // namespace

Settings &Settings::instance()
{
    static Settings settings;
    return settings;
}

QString Settings::name(Key key)
{
    return QString::fromLatin1(entry(key).name);
}

QVariant Settings::defaultValue(Key key)
{
    return entry(key).defaultValue;
}

QVariant Settings::value(Key key) const
{
    const Entry e = entry(key);
    QVariant v = QSettings().value(QString::fromLatin1(e.name), e.defaultValue);
    if (e.defaultValue.isValid() && v.metaType() != e.defaultValue.metaType() &&
        v.canConvert(e.defaultValue.metaType()))
        v.convert(e.defaultValue.metaType()); // ini files read everything back as strings
    return v;
}

void Settings::setValue(Key key, const QVariant &value)
{
    QSettings settings;
    const QString n = name(key);
    if (settings.value(n) == value)
        return;
    settings.setValue(n, value);
    Q_EMIT changed(key);
}

QStringList Settings::recentProjects() const
{
    return value(Key::RecentProjects).toStringList();
}

void Settings::addRecentProject(const QString &path)
{
    const QString clean = QDir::cleanPath(QDir(path).absolutePath());
    QStringList list = recentProjects();
    list.removeAll(clean);
    list.prepend(clean);
    while (list.size() > 8)
        list.removeLast();
    setValue(Key::RecentProjects, list);
}

Budget Settings::budget() const
{
    Budget b;
    if (const double perRun = value(Key::BudgetPerRun).toDouble(); perRun > 0)
        b.perRun = perRun;
    if (const double perDay = value(Key::BudgetPerDay).toDouble(); perDay > 0)
        b.perDay = perDay;
    b.stopAtBudget = value(Key::StopAtBudget).toBool();
    return b;
}

} // namespace gantry::ui
