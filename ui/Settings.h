#pragma once

// The one registry of user preferences and window state. Every QSettings access in the GUI
// goes through here: each key has one name and one default, so a typo cannot create a
// second, silently-ignored setting.

#include "core/cost/CostGuard.h"

#include <QObject>
#include <QStringList>
#include <QVariant>

namespace gantry::ui {

class Settings : public QObject
{
    Q_OBJECT
public:
    enum class Key {
        RecentProjects, // QStringList, most recent first
        WindowGeometry, // QByteArray
        WindowState, // QByteArray (docks, toolbars)
        MainSplitter, // QByteArray
        CurrentTab, // int
        EditorFontSize, // int, points
        LogShowTimestamps, // bool
        LogFollow, // bool
        ChatSystemPrompt, // QString
        ChatTemperature, // double
        ChatMaxTokens, // int (tiny local models never stop on their own)
        ManualEndpoints, // QStringList of base URLs (tokens live in the keychain, never here)
        Notifications, // bool: tell the user when a run becomes ready or fails
        BudgetPerRun, // double, $ a run may cost; 0 = no budget
        BudgetPerDay, // double, $ all runs may cost in a UTC day, across backends; 0 = no budget
        StopAtBudget, // bool: stop runs that reach a budget (else only tell)
    };
    Q_ENUM(Key)

    static Settings &instance();

    static QString name(Key key); // "window/geometry"
    static QVariant defaultValue(Key key);

    QVariant value(Key key) const;
    void setValue(Key key, const QVariant &value);

    // Recent projects: newest first, at most 8, no duplicates.
    QStringList recentProjects() const;
    void addRecentProject(const QString &path);

    // The budget keys as the cost guard's type (0 reads as "none").
    gantry::Budget budget() const;

Q_SIGNALS:
    void changed(gantry::ui::Settings::Key key);

private:
    Settings() = default;
};

} // namespace gantry::ui
