#include "ui/MainWindow.h"
#include "ui/AfterFirstPaint.h"
#include "ui/GantryIcon.h"
#include "ui/Look.h"

#include "core/backends/Backend.h"
#include "core/backends/BackendRegistry.h"
#include "core/config/ConfigParser.h"
#include "core/models/ProjectModel.h"
#include "core/models/RunsModel.h"
#include "ui/BudgetGuard.h"
#include "ui/LazyPage.h"
#include "ui/Settings.h"
#include "ui/chat/ChatPanel.h"
#include "ui/editor/EditorPanel.h"
#include "ui/offers/OffersPanel.h"
#include "ui/runs/FleetsPanel.h"
#include "ui/runs/LogView.h"
#include "ui/runs/RunsPanel.h"
#include "ui/settings/BudgetDialog.h"
#include "ui/settings/DstackServersDialog.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QKeySequence>
#include <QLabel>
#include <QListView>
#include <QMenuBar>
#include <QPushButton>
#include <QSplitter>
#include <QStatusBar>
#include <QSystemTrayIcon>
#include <QTabWidget>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace gantry::ui {

namespace {

QLabel *sectionLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    setHeadingLook(label);
    label->setContentsMargins(4, 6, 4, 2);
    return label;
}

} // namespace

MainWindow::MainWindow(const QList<Backend *> &backends, QWidget *parent)
    : QMainWindow(parent)
    , m_backends(backends)
    , m_project(new ProjectModel(this))
    , m_tabs(new QTabWidget(this))
    , m_editor(new EditorPanel(this))
    , m_runs(new RunsPanel(this))
    , m_configList(new QListView(this))
    , m_runList(new QListView(this))
    , m_banner(new QWidget(this))
    , m_bannerText(new QLabel(this))
    , m_backendLabel(new QLabel(this))
    , m_connectionLabel(new QLabel(this))
    , m_activeLabel(new QLabel(this))
{
    setWindowTitle(QStringLiteral("Gantry"));
    // Offers and Chat are built when first shown or asked for (the chat store, its keychain
    // and the offers table are not part of the first frame); the builders wire them up.
    m_offersPage = new LazyPage([this](QWidget *parent) { return buildOffers(parent); }, this);
    m_chatPage = new LazyPage([this](QWidget *parent) { return buildChat(parent); }, this);
    m_fleetsPage = new LazyPage([this](QWidget *parent) { return buildFleets(parent); }, this);
    m_tabs->addTab(m_editor, tr("Editor"));
    m_tabs->addTab(m_offersPage, tr("Offers"));
    m_tabs->addTab(m_runs, tr("Runs"));
    m_tabs->addTab(m_chatPage, tr("Chat"));
    m_tabs->addTab(m_fleetsPage, tr("Fleets"));
    m_tabs->setDocumentMode(true);

    buildBanner();
    auto *centre = new QWidget(this);
    auto *centreLayout = new QVBoxLayout(centre);
    centreLayout->setContentsMargins(0, 0, 0, 0);
    centreLayout->setSpacing(0);
    centreLayout->addWidget(m_banner);
    centreLayout->addWidget(m_tabs, 1);

    auto *split = new QSplitter(this);
    split->setObjectName(QStringLiteral("mainSplitter"));
    split->addWidget(buildSidebar());
    split->addWidget(centre);
    split->setStretchFactor(1, 1);
    split->setSizes({220, 1060});
    setCentralWidget(split);

    buildStatusBar();
    connectPanels();
    buildMenus();
    updateStatusBar();
    // The icon and the tray (a D-Bus question on most desktops) are not part of the first frame.
    afterFirstPaint(this, [this] {
        m_painted = true;
        setWindowIcon(gantryIcon());
        if (QSystemTrayIcon::isSystemTrayAvailable()) {
            m_tray = new QSystemTrayIcon(windowIcon(), this);
            m_tray->setToolTip(QStringLiteral("Gantry"));
            m_tray->show();
        }
    });

    restoreWindowState(split);
}

// Left: the project's configurations, then its runs.
QWidget *MainWindow::buildSidebar()
{
    m_configList->setModel(m_project);
    m_configList->setUniformItemSizes(true);
    m_runList->setModel(m_runs->model());
    m_runList->setModelColumn(RunsModel::Name);
    m_runList->setUniformItemSizes(true);
    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(4, 0, 0, 4);
    leftLayout->setSpacing(2);
    leftLayout->addWidget(sectionLabel(tr("Configurations"), left));
    leftLayout->addWidget(m_configList, 1);
    leftLayout->addWidget(sectionLabel(tr("Runs"), left));
    leftLayout->addWidget(m_runList, 1);

    return left;
}

// The in-window notification banner (runs becoming ready or failing).
void MainWindow::buildBanner()
{
    auto *bannerLayout = new QHBoxLayout(m_banner);
    bannerLayout->setContentsMargins(10, 6, 6, 6);
    m_banner->setAutoFillBackground(true);
    m_bannerText->setTextFormat(Qt::RichText);
    m_bannerText->setWordWrap(true);
    auto *closeBanner = new QToolButton(m_banner);
    closeBanner->setText(QStringLiteral("✕"));
    closeBanner->setAutoRaise(true);
    closeBanner->setToolTip(tr("Dismiss"));
    bannerLayout->addWidget(m_bannerText, 1);
    bannerLayout->addWidget(closeBanner);
    m_banner->hide();
    connect(closeBanner, &QToolButton::clicked, m_banner, &QWidget::hide);
}

// Backend, connection, active runs, and the cost guard's spend today with its notices.
void MainWindow::buildStatusBar()
{
    statusBar()->addWidget(m_backendLabel);
    statusBar()->addWidget(m_connectionLabel);
    statusBar()->addPermanentWidget(m_activeLabel);
    // The cost guard: spend today in the status bar, budget notices, stop at the budget.
    m_budget = new BudgetGuard(this);
    m_spendLabel = new QLabel(this);
    m_spendLabel->setToolTip(tr("What runs cost today (UTC), across backends; set a budget in File → Budget"));
    statusBar()->addPermanentWidget(m_spendLabel);
    connect(m_budget, &BudgetGuard::spentTodayChanged, this,
            [this](double amount) { m_spendLabel->setText(tr("today %1").arg(formatMoney(amount))); });
    connect(m_budget, &BudgetGuard::budgetEvent, this, &MainWindow::notify);
    connect(m_budget, &BudgetGuard::runStopped, this, [this](const QString &run, const QString &reason) {
        m_runs->addTimelineNote(run, {QDateTime::currentDateTimeUtc(), QStringLiteral("budget"), reason});
    });
}

// Wiring along the data flow: config → plan → offer → run → endpoint → chat.
void MainWindow::connectPanels()
{
    m_runs->setBackends(m_backends);
    m_budget->setBackends(m_backends);
    connect(m_configList, &QListView::activated, this,
            [this](const QModelIndex &i) { openConfiguration(i.data(ProjectModel::PathRole).toString()); });
    connect(m_configList, &QListView::clicked, this,
            [this](const QModelIndex &i) { openConfiguration(i.data(ProjectModel::PathRole).toString()); });
    connect(m_runList, &QListView::clicked, this, [this](const QModelIndex &i) {
        m_runs->selectRun(i.data(RunsModel::RunNameRole).toString());
        showTab(RunsTab);
    });
    connect(m_editor, &EditorPanel::parsed, this, [this] {
        if (OffersPanel *offers = m_offersPage->builtPanelAs<OffersPanel>())
            offerConfiguration(offers);
    });
    connect(m_editor, &EditorPanel::modificationChanged, this, [this](bool modified) { setWindowModified(modified); });
    connect(m_runs, &RunsPanel::chatRequested, this,
            [this](const ModelEndpoint &endpoint, const QString &token, const QString &runName) {
                chat()->useEndpoint(endpoint, token, runName);
                showTab(ChatTab);
            });
    connect(m_runs, &RunsPanel::runsUpdated, this, [this] {
        updateStatusBar();
        if (ChatPanel *chat = m_chatPage->builtPanelAs<ChatPanel>())
            offerReadyRuns(chat);
    });
    connect(m_runs, &RunsPanel::runBecameReady, this, [this](const QString &run, const QString &url) {
        notify(tr("Run ready"), tr("%1 is ready at %2").arg(run, url));
    });
    connect(m_runs, &RunsPanel::runFailed, this, [this](const QString &run, const QString &message) {
        notify(tr("Run failed"), tr("%1 failed: %2").arg(run, message), true);
    });
    for (Backend *b : std::as_const(m_backends))
        watchConnection(b);
    connect(m_tabs, &QTabWidget::currentChanged, this,
            [](int index) { Settings::instance().setValue(Settings::Key::CurrentTab, index); });
}

void MainWindow::restoreWindowState(QSplitter *split)
{
    Settings &settings = Settings::instance();
    resize(1280, 820);
    restoreGeometry(settings.value(Settings::Key::WindowGeometry).toByteArray());
    restoreState(settings.value(Settings::Key::WindowState).toByteArray());
    split->restoreState(settings.value(Settings::Key::MainSplitter).toByteArray());
    m_tabs->setCurrentIndex(settings.value(Settings::Key::CurrentTab).toInt());
}

MainWindow::~MainWindow() = default;

OffersPanel *MainWindow::offers() const
{
    return m_offersPage->panelAs<OffersPanel>();
}

ChatPanel *MainWindow::chat() const
{
    return m_chatPage->panelAs<ChatPanel>();
}

QWidget *MainWindow::buildOffers(QWidget *parent)
{
    auto *offers = new OffersPanel(parent);
    offers->setBackends(m_backends);
    offerConfiguration(offers);
    connect(offers, &OffersPanel::deployed, this, [this](const QString &runName) {
        m_runs->refreshNow();
        m_runs->selectRun(runName);
        showTab(RunsTab);
    });
    // Fleets: "Create a fleet" opens the file it wrote; an applied fleet shows in the Fleets tab.
    connect(offers, &OffersPanel::openFileRequested, this, [this](const QString &path) { openConfiguration(path); });
    connect(offers, &OffersPanel::fleetApplied, this, [this] {
        if (FleetsPanel *fleets = m_fleetsPage->builtPanelAs<FleetsPanel>())
            fleets->refresh();
    });
    return offers;
}

FleetsPanel *MainWindow::fleets() const
{
    return m_fleetsPage->panelAs<FleetsPanel>();
}

QWidget *MainWindow::buildFleets(QWidget *parent)
{
    auto *fleets = new FleetsPanel(parent);
    fleets->setBackends(m_backends);
    return fleets;
}

void MainWindow::offerConfiguration(OffersPanel *offers)
{
    const ParseResult &r = m_editor->parseResult();
    offers->setConfiguration(r.valid() ? r.configuration : std::nullopt);
}

QWidget *MainWindow::buildChat(QWidget *parent)
{
    auto *chat = new ChatPanel(parent);
    // Runs that were ready before the panel existed (a restart, another process's deploy).
    offerReadyRuns(chat);
    return chat;
}

void MainWindow::offerReadyRuns(ChatPanel *chat)
{
    chat->setRunEndpoints(m_runs->model()->runs(), [this](const QString &run) { return m_runs->modelToken(run); });
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open Folder…"), this, &MainWindow::openFolderDialog);
    open->setShortcut(QKeySequence::Open);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    QAction *save = file->addAction(tr("&Save"), this, [this] { m_editor->save(); });
    save->setShortcut(QKeySequence::Save);
    file->addSeparator();
    file->addAction(tr("&dstack Server…"), this, &MainWindow::dstackServersDialog);
    file->addAction(tr("&Budget…"), this, [this] {
        auto *dialog = new BudgetDialog(this);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->open();
    });
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    updateRecentMenu();

    QMenu *run = menuBar()->addMenu(tr("&Run"));
    QAction *plan = run->addAction(tr("&Plan"), this, [this] {
        m_editor->reparseNow();
        showTab(OffersTab);
        offers()->plan();
    });
    plan->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    QAction *deploy = run->addAction(tr("&Deploy Selected Offer"), this, [this] { offers()->deploySelected(); });
    deploy->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    QAction *stop = run->addAction(tr("&Stop Run"), this, [this] { m_runs->stopSelected(false); });
    stop->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Period));
    QAction *abort = run->addAction(tr("&Abort Run"), this, [this] { m_runs->stopSelected(true); });
    abort->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Period));
    QAction *chat = run->addAction(tr("&Chat with Model"), this, [this] { m_runs->chatButton()->click(); });
    chat->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));

    QMenu *view = menuBar()->addMenu(tr("&View"));
    const QStringList names = {tr("&Editor"), tr("&Offers"), tr("&Runs"), tr("C&hat")};
    for (int i = 0; i < names.size(); ++i) {
        QAction *a = view->addAction(names[i], this, [this, i] { showTab(Tab(i)); });
        a->setShortcut(QKeySequence(Qt::ALT | Qt::Key(Qt::Key_1 + i)));
    }
    QAction *find = view->addAction(tr("&Find in Log"), this, [this] {
        showTab(RunsTab);
        m_runs->logView()->setFocus();
    });
    find->setShortcut(QKeySequence::Find);
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    const QStringList recent = Settings::instance().recentProjects();
    for (const QString &path : recent)
        m_recentMenu->addAction(path, this, [this, path] { openProject(path); });
    m_recentMenu->setEnabled(!recent.isEmpty());
}

void MainWindow::openFolderDialog()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open project folder"), m_projectPath);
    if (!dir.isEmpty())
        openProject(dir);
}

bool MainWindow::openProject(const QString &path)
{
    const QFileInfo info(path);
    if (!info.exists()) {
        notify(tr("Cannot open"), tr("%1 does not exist.").arg(path), true);
        return false;
    }
    const QString dir = info.isDir() ? info.absoluteFilePath() : info.absolutePath();
    m_projectPath = QDir::cleanPath(dir);
    m_project->setRoot(m_projectPath);
    setWindowTitle(QStringLiteral("%1[*] — Gantry").arg(QDir(m_projectPath).dirName()));
    QString file = info.isDir() ? findConfiguration(m_projectPath) : info.absoluteFilePath();
    if (file.isEmpty() && !m_project->paths().isEmpty())
        file = m_project->paths().constFirst();
    if (!file.isEmpty())
        openConfiguration(file);
    // Only now, with the configuration read and parsed: a project that took the process down
    // while opening must not be reopened at every later start. At start, after the first frame:
    // QSettings writes its file and syncs it to disk (milliseconds on the GUI thread).
    const auto remember = [this, path = m_projectPath] {
        Settings::instance().addRecentProject(path);
        updateRecentMenu();
    };
    if (m_painted)
        remember();
    else
        afterFirstPaint(this, remember);
    return true;
}

bool MainWindow::openConfiguration(const QString &filePath)
{
    if (filePath.isEmpty() || QFileInfo(filePath).absoluteFilePath() == m_editor->filePath())
        return true;
    if (m_editor->isModified())
        m_editor->save(); // switching files keeps the edits: the file is the source of truth
    QString error;
    if (!m_editor->openFile(filePath, &error)) {
        notify(tr("Cannot open"), error, true);
        return false;
    }
    const int row = int(m_project->paths().indexOf(m_editor->filePath()));
    if (row >= 0)
        m_configList->setCurrentIndex(m_project->index(row));
    return true;
}

void MainWindow::showTab(Tab tab)
{
    m_tabs->setCurrentIndex(int(tab));
}

QString MainWindow::bannerText() const
{
    return m_banner->isHidden() ? QString() : m_bannerText->text();
}

void MainWindow::notify(const QString &title, const QString &message, bool problem)
{
    if (!Settings::instance().value(Settings::Key::Notifications).toBool())
        return;
    QPalette p = m_banner->palette();
    const bool dark = isDark(palette());
    p.setColor(QPalette::Window, problem ? (dark ? QColor(0x5c, 0x1f, 0x1f) : QColor(0xfd, 0xec, 0xea))
                                         : (dark ? QColor(0x1e, 0x4a, 0x2c) : QColor(0xe6, 0xf4, 0xea)));
    m_banner->setPalette(p);
    m_bannerText->setText(QStringLiteral("<b>%1</b> — %2").arg(title.toHtmlEscaped(), message.toHtmlEscaped()));
    m_banner->show();
    if (m_tray && !isActiveWindow())
        m_tray->showMessage(title, message, problem ? QSystemTrayIcon::Warning : QSystemTrayIcon::Information);
}

void MainWindow::watchConnection(Backend *backend)
{
    connect(backend, &Backend::connectionChanged, this, [this](bool connected, const QString &message) {
        m_connectionLabel->setText(connected ? tr("● connected") : tr("○ %1").arg(message));
    });
}

void MainWindow::addBackend(Backend *backend)
{
    if (!backend || m_backends.contains(backend))
        return;
    m_backends << backend;
    giveBackendsToPanels();
    watchConnection(backend);
    backend->refresh();
    updateStatusBar();
}

void MainWindow::removeBackend(Backend *backend)
{
    if (!m_backends.removeOne(backend))
        return;
    giveBackendsToPanels();
    updateStatusBar();
}

// Every panel that exists works on all the backends (lazy ones get them when built).
void MainWindow::giveBackendsToPanels()
{
    if (OffersPanel *offers = m_offersPage->builtPanelAs<OffersPanel>())
        offers->setBackends(m_backends);
    m_budget->setBackends(m_backends);
    m_runs->setBackends(m_backends);
    if (FleetsPanel *fleets = m_fleetsPage->builtPanelAs<FleetsPanel>())
        fleets->setBackends(m_backends);
}

void MainWindow::setRegistry(BackendRegistry *registry)
{
    m_registry = registry;
    for (Backend *backend : registry->backends())
        addBackend(backend);
    connect(registry, &BackendRegistry::added, this, &MainWindow::addBackend);
    connect(registry, &BackendRegistry::removed, this, &MainWindow::removeBackend);
}

BackendRegistry *MainWindow::registry()
{
    if (!m_registry)
        setRegistry(new BackendRegistry(this));
    return m_registry;
}

void MainWindow::dstackServersDialog()
{
    auto *dialog = new DstackServersDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &DstackServersDialog::projectSaved, this,
            [this](const DstackProject &project) { registry()->addDstackProject(project); });
    dialog->open();
}

QString MainWindow::spendText() const
{
    return m_spendLabel->text();
}

void MainWindow::updateStatusBar()
{
    QStringList names;
    for (Backend *b : std::as_const(m_backends))
        names << b->displayName();
    m_backendLabel->setText(names.isEmpty() ? tr("No backend")
                                            : tr("Backend: %1").arg(names.join(QStringLiteral(", "))));
    if (m_connectionLabel->text().isEmpty())
        m_connectionLabel->setText(m_backends.isEmpty() ? QString() : tr("● ready"));
    const RunsModel *runs = m_runs->model();
    m_activeLabel->setText(tr("%n active run(s)", nullptr, runs->activeCount()) + QStringLiteral(" · ") +
                           tr("%1/h").arg(Offer::formatPrice(runs->activePricePerHour())));
}

QStringList MainWindow::saveScreenshots(const QString &directory)
{
    QDir().mkpath(directory);
    QStringList written;
    const int current = m_tabs->currentIndex();
    const char *names[] = {"editor", "offers", "runs", "chat"};
    for (int i = 0; i < 4; ++i) {
        m_tabs->setCurrentIndex(i);
        QApplication::processEvents();
        const QString path = QDir(directory).filePath(QString::fromLatin1(names[i]) + QStringLiteral(".png"));
        if (grab().save(path))
            written << path;
    }
    m_tabs->setCurrentIndex(current);
    return written;
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    Settings &settings = Settings::instance();
    settings.setValue(Settings::Key::WindowGeometry, saveGeometry());
    settings.setValue(Settings::Key::WindowState, saveState());
    if (auto *split = findChild<QSplitter *>(QStringLiteral("mainSplitter")))
        settings.setValue(Settings::Key::MainSplitter, split->saveState());
    // Unsaved editor text stays in its backup and is offered back next time.
    event->accept();
}

} // namespace gantry::ui
