#include "ui/editor/EditorPanel.h"

#include "core/common/BoundedRead.h"
#include "core/common/StatePaths.h"
#include "ui/AfterFirstPaint.h"
#include "ui/editor/YamlEditor.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QPointer>
#include <QPushButton>
#include <QSplitter>
#include <QStyle>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace gantry::ui {

namespace {
constexpr int kLineRole = Qt::UserRole;
constexpr int kColumnRole = Qt::UserRole + 1;
constexpr int kIndexRole = Qt::UserRole + 2; // into parseResult().diagnostics
constexpr int kParseHereBytes = 256 * 1024;
} // namespace

EditorPanel::EditorPanel(QWidget *parent)
    : QWidget(parent)
    , m_editor(new YamlEditor(this))
    , m_problems(new QListWidget(this))
    , m_title(new QLabel(this))
    , m_summary(new QLabel(this))
    , m_restoreBar(new QWidget(this))
    , m_restoreText(new QLabel(this))
    , m_saveButton(new QPushButton(tr("Save"), this))
    , m_fixButton(new QPushButton(tr("Fix"), this))
    , m_parseTimer(new QTimer(this))
    , m_backupTimer(new QTimer(this))
{
    buildLayout();
    connectSignals();
    updateTitle();
}

// Title and Save on top, the restore bar, then the editor over the problems list.
void EditorPanel::buildLayout()
{
    auto *header = new QHBoxLayout;
    // The file's name in the text's own face: no bold face before the first frame (ui/Look.h).
    // Selectable once the first frame is on screen: a selectable label lays its text out as a
    // document, which the first frame does not need (issue 14).
    afterFirstPaint(m_title, [this] { m_title->setTextInteractionFlags(Qt::TextSelectableByMouse); });
    header->addWidget(m_title, 1);
    header->addWidget(m_summary);
    m_saveButton->setToolTip(tr("Save (Ctrl+S)"));
    m_saveButton->setEnabled(false);
    header->addWidget(m_saveButton);

    // Shown when a backup newer than the file exists: the last session ended unsaved.
    auto *restoreLayout = new QHBoxLayout(m_restoreBar);
    restoreLayout->setContentsMargins(8, 4, 8, 4);
    m_restoreBar->setAutoFillBackground(true);
    m_restoreBar->setBackgroundRole(QPalette::ToolTipBase);
    m_restoreText->setForegroundRole(QPalette::ToolTipText);
    auto *restore = new QPushButton(tr("Restore"), m_restoreBar);
    auto *discard = new QPushButton(tr("Discard"), m_restoreBar);
    restoreLayout->addWidget(m_restoreText, 1);
    restoreLayout->addWidget(restore);
    restoreLayout->addWidget(discard);
    m_restoreBar->hide();
    connect(restore, &QPushButton::clicked, this, &EditorPanel::restoreBackup);
    connect(discard, &QPushButton::clicked, this, &EditorPanel::discardBackup);

    m_problems->setAlternatingRowColors(true);
    m_problems->setUniformItemSizes(true);
    m_problems->setAccessibleName(tr("Problems"));
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(m_editor);
    auto *problemsBox = new QWidget(this);
    auto *problemsLayout = new QHBoxLayout(problemsBox);
    problemsLayout->setContentsMargins(0, 0, 0, 0);
    problemsLayout->addWidget(m_problems, 1);
    m_fixButton->setToolTip(tr("Apply a fix to the selected problem (Ctrl+. in the editor)"));
    m_fixButton->setEnabled(false);
    problemsLayout->addWidget(m_fixButton, 0, Qt::AlignTop);
    split->addWidget(problemsBox);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 1);
    split->setSizes({600, 140});

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addLayout(header);
    layout->addWidget(m_restoreBar);
    layout->addWidget(split, 1);
}

// Re-parse 250 ms after the last keystroke, back up 2 s after it; problems jump to line:col.
void EditorPanel::connectSignals()
{
    m_parseTimer->setSingleShot(true);
    m_parseTimer->setInterval(250);
    m_backupTimer->setSingleShot(true);
    m_backupTimer->setInterval(2000);
    connect(m_parseTimer, &QTimer::timeout, this, &EditorPanel::reparseInBackground);
    connect(m_backupTimer, &QTimer::timeout, this, &EditorPanel::writeBackup);
    connect(m_editor, &QsciScintilla::textChanged, this, [this] {
        if (m_loading)
            return;
        m_parseTimer->start();
        if (isModified())
            m_backupTimer->start();
    });
    connect(m_editor, &QsciScintilla::modificationChanged, this, [this](bool modified) {
        updateTitle();
        Q_EMIT modificationChanged(modified);
    });
    connect(m_saveButton, &QPushButton::clicked, this, [this] { save(); });
    connect(m_problems, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        m_editor->goTo(item->data(kLineRole).toInt(), item->data(kColumnRole).toInt());
    });
    connect(m_problems, &QListWidget::itemClicked, this, [this](QListWidgetItem *item) {
        m_editor->goTo(item->data(kLineRole).toInt(), item->data(kColumnRole).toInt());
    });
    connect(m_problems, &QListWidget::currentItemChanged, this, [this](QListWidgetItem *item) {
        const qsizetype i = item ? item->data(kIndexRole).toLongLong() : -1;
        m_fixButton->setEnabled(i >= 0 && i < m_result.diagnostics.size() && !m_result.diagnostics[i].fixes.isEmpty());
    });
    connect(m_fixButton, &QPushButton::clicked, this, &EditorPanel::fixSelectedProblem);
}

void EditorPanel::fixSelectedProblem()
{
    const QListWidgetItem *item = m_problems->currentItem();
    const qsizetype i = item ? item->data(kIndexRole).toLongLong() : -1;
    if (i < 0 || i >= m_result.diagnostics.size() || m_result.diagnostics[i].fixes.isEmpty())
        return;
    const QList<Fix> fixes = m_result.diagnostics[i].fixes;
    if (fixes.size() == 1) {
        m_editor->applyFix(fixes.first());
        reparseNow();
        return;
    }
    auto *menu = new QMenu(this);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->setAccessibleName(tr("Fixes"));
    for (const Fix &fix : fixes) {
        connect(menu->addAction(fix.title), &QAction::triggered, this, [this, fix] {
            m_editor->applyFix(fix);
            reparseNow();
        });
    }
    menu->popup(m_fixButton->mapToGlobal(QPoint(0, m_fixButton->height())));
}

QString EditorPanel::backupPathFor(const QString &filePath)
{
    const QByteArray id =
        QCryptographicHash::hash(QFileInfo(filePath).absoluteFilePath().toUtf8(), QCryptographicHash::Sha1)
            .toHex()
            .left(16);
    return stateDir() + QStringLiteral("/backups/") + QFileInfo(filePath).fileName() + QLatin1Char('-') +
           QString::fromLatin1(id);
}

bool EditorPanel::openFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = tr("Cannot open %1: %2").arg(path, file.errorString());
        return false;
    }
    if (file.size() > kMaxConfigurationBytes) {
        if (error)
            *error = tr("%1 is %2 MB; a configuration is a small YAML file (at most %3 MB), so it is not opened.")
                         .arg(path)
                         .arg(double(file.size()) / (1024 * 1024), 0, 'f', 1)
                         .arg(kMaxConfigurationBytes / (1024 * 1024));
        return false;
    }
    m_loading = true;
    m_path = QFileInfo(path).absoluteFilePath();
    m_editor->setText(QString::fromUtf8(readAtMost(file, kMaxConfigurationBytes)));
    m_editor->setModified(false);
    m_editor->SendScintilla(QsciScintillaBase::SCI_EMPTYUNDOBUFFER);
    m_loading = false;
    m_saveButton->setEnabled(true);

    const QString backup = backupPathFor(m_path);
    QFile b(backup);
    const bool differs =
        b.exists() && b.open(QIODevice::ReadOnly) && QString::fromUtf8(b.readAll()) != m_editor->text();
    if (differs) {
        m_restoreText->setText(tr("Unsaved changes to %1 from %2 were found. Restore them?")
                                   .arg(QFileInfo(path).fileName(),
                                        QFileInfo(backup).lastModified().toString(QStringLiteral("yyyy-MM-dd HH:mm"))));
        m_restoreBar->show();
    } else {
        m_restoreBar->hide();
        QFile::remove(backup);
    }
    updateTitle();
    // A small file's problems are in the first frame; a large one (hostile, or generated) is
    // parsed off the GUI thread: a 3.6 MB file with 400,000 problems takes seconds.
    if (m_editor->length() <= kParseHereBytes)
        reparseNow();
    else
        reparseInBackground();
    Q_EMIT fileOpened(m_path);
    return true;
}

bool EditorPanel::hasBackupOffer() const
{
    return !m_restoreBar->isHidden();
}

void EditorPanel::restoreBackup()
{
    QFile b(backupPathFor(m_path));
    if (b.open(QIODevice::ReadOnly)) {
        const QString text = QString::fromUtf8(b.readAll());
        m_editor->selectAll();
        m_editor->replaceSelectedText(text); // undoable, and marks the document modified
    }
    m_restoreBar->hide();
    reparseNow();
}

void EditorPanel::discardBackup()
{
    QFile::remove(backupPathFor(m_path));
    m_restoreBar->hide();
}

bool EditorPanel::save(QString *error)
{
    if (m_path.isEmpty())
        return false;
    if (QString problem; !writeFileAtomically(m_path, m_editor->text().toUtf8(), &problem)) {
        if (error)
            *error = problem;
        m_summary->setText(problem);
        return false;
    }
    m_editor->setModified(false);
    m_backupTimer->stop();
    QFile::remove(backupPathFor(m_path));
    m_restoreBar->hide();
    return true;
}

bool EditorPanel::isModified() const
{
    return m_editor->isModified();
}

void EditorPanel::writeBackup()
{
    if (m_path.isEmpty() || !isModified())
        return;
    makePrivateDir(stateDir() + QStringLiteral("/backups"));
    writeFileAtomically(backupPathFor(m_path), m_editor->text().toUtf8(),
                        nullptr); // best effort: the next edit writes it again
}

void EditorPanel::reparseNow()
{
    m_parseTimer->stop();
    if (m_path.isEmpty())
        return;
    ++m_parseGeneration; // a background parse still running is now stale
    applyParse(parseConfiguration(m_editor->text().toUtf8(), m_path));
}

void EditorPanel::reparseInBackground()
{
    if (m_path.isEmpty())
        return;
    // A large or hostile file must not freeze typing: parse on the thread pool, and keep
    // only the result of the latest text.
    const quint64 generation = ++m_parseGeneration;
    auto *watcher = new QFutureWatcher<ParseResult>(this);
    connect(watcher, &QFutureWatcher<ParseResult>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_parseGeneration)
            return;
        applyParse(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run(parseConfiguration, m_editor->text().toUtf8(), m_path));
}

void EditorPanel::applyParse(ParseResult result)
{
    m_result = std::move(result);
    m_editor->setDiagnostics(m_result.diagnostics);
    showProblems();
    Q_EMIT parsed();
}

void EditorPanel::showProblems()
{
    m_problems->clear();
    int errors = 0, warnings = 0;
    for (const Diagnostic &d : m_result.diagnostics)
        (d.severity == Severity::Error ? errors : warnings)++;
    const QIcon errorIcon = style()->standardIcon(QStyle::SP_MessageBoxCritical);
    const QIcon warningIcon = style()->standardIcon(QStyle::SP_MessageBoxWarning);
    // The problems the text marks, in file order; nobody reads a list of 400,000, and building
    // it froze the window. The summary counts them all.
    const qsizetype shown = std::min<qsizetype>(m_result.diagnostics.size(), YamlEditor::kMaxMarkedDiagnostics);
    for (qsizetype i = 0; i < shown; ++i) {
        const Diagnostic &d = m_result.diagnostics[i];
        auto *item =
            new QListWidgetItem(d.severity == Severity::Error ? errorIcon : warningIcon,
                                QStringLiteral("%1:%2  %3").arg(d.line).arg(d.column).arg(d.message), m_problems);
        item->setData(kLineRole, d.line);
        item->setData(kColumnRole, d.column);
        item->setData(kIndexRole, qlonglong(&d - m_result.diagnostics.constData()));
        item->setToolTip(d.toString());
    }
    if (shown < m_result.diagnostics.size()) {
        auto *more = new QListWidgetItem(
            tr("… and %n more: fix these first", nullptr, int(m_result.diagnostics.size() - shown)), m_problems);
        more->setData(kIndexRole, qlonglong(-1));
        more->setFlags(Qt::ItemIsEnabled);
    }
    if (errors == 0 && warnings == 0)
        m_summary->setText(m_result.configuration ? tr("✓ valid %1").arg(m_result.configuration->typeName) : QString());
    else
        m_summary->setText(tr("%n error(s)", nullptr, errors) + QStringLiteral(", ") +
                           tr("%n warning(s)", nullptr, warnings));
}

void EditorPanel::updateTitle()
{
    if (m_path.isEmpty()) {
        m_title->setText(tr("No configuration open — pick one on the left"));
        return;
    }
    m_title->setText((isModified() ? QStringLiteral("● ") : QString()) + QFileInfo(m_path).fileName());
    m_title->setToolTip(m_path);
}

} // namespace gantry::ui
