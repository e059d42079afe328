#pragma once

// The one window: the project's configurations and runs on the left; Editor, Offers, Runs
// and Chat as tabs in the centre; backend, connection, active runs and their cost per hour
// in the status bar. It wires the panels together and owns no logic of its own.

#include <QList>
#include <QMainWindow>

class QLabel;
class QListView;
class QMenu;
class QSystemTrayIcon;
class QSplitter;
class QTabWidget;

namespace gantry {
class Backend;
class BackendRegistry;
class ProjectModel;
} // namespace gantry

namespace gantry::ui {

class BudgetGuard;

class ChatPanel;
class FleetsPanel;
class EditorPanel;
class LazyPage;
class OffersPanel;
class RunsPanel;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    enum Tab { EditorTab, OffersTab, RunsTab, ChatTab, FleetsTab };

    explicit MainWindow(const QList<Backend *> &backends = {}, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Open a project folder (or a configuration file: its folder, with that file in the editor).
    bool openProject(const QString &path);
    QString projectPath() const { return m_projectPath; }
    bool openConfiguration(const QString &filePath);

    void showTab(Tab tab);
    // Every backend the registry has and will have (added, removed): the panels follow it,
    // and servers saved in the settings dialog go there. Without one, the window makes its own.
    void setRegistry(BackendRegistry *registry);
    // Another backend: every panel gets it; removeBackend takes it off every panel.
    void addBackend(Backend *backend);
    void removeBackend(Backend *backend);
    // Write one PNG per panel into directory; returns the files written.
    QStringList saveScreenshots(const QString &directory);

    EditorPanel *editor() const { return m_editor; }
    // Offers and Chat are built on first use: asking for one builds it.
    OffersPanel *offers() const;
    RunsPanel *runs() const { return m_runs; }
    ChatPanel *chat() const;
    FleetsPanel *fleets() const;
    QTabWidget *tabs() const { return m_tabs; }
    QString bannerText() const;

public Q_SLOTS:
    void openFolderDialog();
    void dstackServersDialog();
    void notify(const QString &title, const QString &message, bool problem = false);
    BudgetGuard *budgetGuard() const { return m_budget; }
    QString spendText() const; // the status bar's "today $…"

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    QWidget *buildSidebar();
    void buildBanner();
    void buildStatusBar();
    void connectPanels();
    void restoreWindowState(QSplitter *split);
    void giveBackendsToPanels();
    void buildMenus();
    void updateRecentMenu();
    void updateStatusBar();
    void watchConnection(Backend *backend);
    QWidget *buildOffers(QWidget *parent);
    QWidget *buildChat(QWidget *parent);
    QWidget *buildFleets(QWidget *parent);
    void offerConfiguration(OffersPanel *offers);
    void offerReadyRuns(ChatPanel *chat);

    BackendRegistry *registry();

    QList<Backend *> m_backends;
    BackendRegistry *m_registry = nullptr;
    QString m_projectPath;
    ProjectModel *m_project;
    QTabWidget *m_tabs;
    EditorPanel *m_editor;
    LazyPage *m_offersPage = nullptr;
    RunsPanel *m_runs;
    LazyPage *m_chatPage = nullptr;
    LazyPage *m_fleetsPage = nullptr;
    QListView *m_configList;
    QListView *m_runList;
    QWidget *m_banner;
    QLabel *m_bannerText;
    QLabel *m_backendLabel;
    QLabel *m_connectionLabel;
    QLabel *m_activeLabel;
    QMenu *m_recentMenu = nullptr;
    QSystemTrayIcon *m_tray = nullptr;
    bool m_painted = false; // the first frame is on screen (see afterFirstPaint)
    BudgetGuard *m_budget = nullptr; // spend today, 80%/100% notices, stop at the budget
    QLabel *m_spendLabel = nullptr;
};

} // namespace gantry::ui
