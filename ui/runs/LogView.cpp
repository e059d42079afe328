#include "ui/runs/LogView.h"
#include "ui/Look.h"

#include "core/models/LogModel.h"
#include "core/runs/LogLevel.h"
#include "ui/Settings.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QFileDialog>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QScrollBar>
#include <QStyledItemDelegate>
#include <QTableView>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>

namespace gantry::ui {

namespace {

// One line of text per row: no word wrap, no per-row widgets. Highlighted search hits get a
// tinted background. Lines are coloured by the level their text states (errors red, warnings
// amber, debug dimmed), not by stream: servers such as llama.cpp write everything to stderr.
class LogLineDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        const bool dark = isDark(option->palette);
        if (index.data(LogModel::HighlightRole).toBool())
            option->backgroundBrush = dark ? QColor(0x6b, 0x5b, 0x00) : QColor(0xff, 0xec, 0x8b);
        if (logSourceFromName(index.data(LogModel::SourceRole).toString()) == LogSource::Gantry) {
            option->palette.setColor(QPalette::Text, option->palette.color(QPalette::PlaceholderText));
            return;
        }
        switch (LogLevel(index.data(LogModel::LevelRole).toInt())) {
        case LogLevel::Error:
            option->palette.setColor(QPalette::Text, dark ? QColor(0xff, 0x8a, 0x80) : QColor(0xc6, 0x28, 0x28));
            break;
        case LogLevel::Warning:
            option->palette.setColor(QPalette::Text, dark ? QColor(0xff, 0xd5, 0x4f) : QColor(0x9a, 0x67, 0x00));
            break;
        case LogLevel::Debug:
            option->palette.setColor(QPalette::Text, option->palette.color(QPalette::PlaceholderText));
            break;
        case LogLevel::Info:
        case LogLevel::None:
            break;
        }
    }
};

} // namespace

LogView::LogView(QWidget *parent)
    : QWidget(parent)
    , m_model(new LogModel(this))
    , m_view(new QTableView(this))
    , m_follow(new QCheckBox(tr("Follow"), this))
    , m_timestamps(new QCheckBox(tr("Timestamps"), this))
    , m_search(new QLineEdit(this))
    , m_status(new QLabel(this))
{
    Settings &settings = Settings::instance();
    m_follow->setChecked(settings.value(Settings::Key::LogFollow).toBool());
    m_timestamps->setChecked(settings.value(Settings::Key::LogShowTimestamps).toBool());
    m_model->setShowTimestamps(m_timestamps->isChecked());
    m_search->setPlaceholderText(tr("Search log (Enter: next, Shift+Enter: previous)"));

    auto button = [this](const QString &text, const QString &tip) {
        auto *b = new QToolButton(this);
        b->setText(text);
        b->setToolTip(tip);
        b->setAutoRaise(true);
        return b;
    };
    auto *prev = button(QStringLiteral("▲"), tr("Previous match"));
    auto *next = button(QStringLiteral("▼"), tr("Next match"));
    auto *copy = button(tr("Copy"), tr("Copy the selected lines"));
    auto *save = button(tr("Save…"), tr("Save the whole log to a file"));

    auto *bar = new QHBoxLayout;
    bar->addWidget(m_follow);
    bar->addWidget(m_timestamps);
    bar->addWidget(m_search, 1);
    bar->addWidget(prev);
    bar->addWidget(next);
    bar->addWidget(m_status);
    bar->addWidget(copy);
    bar->addWidget(save);

    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_view->setFont(mono);
    m_view->setModel(m_model);
    m_view->setItemDelegate(new LogLineDelegate(m_view));
    m_view->horizontalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->verticalHeader()->setDefaultSectionSize(QFontMetrics(mono).height() + 2);
    m_view->setShowGrid(false);
    m_view->setWordWrap(false);
    m_view->setTextElideMode(Qt::ElideRight);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(m_view, 1);

    // Follow: one scroll per event-loop pass, however many insertions arrived in it.
    auto *followTimer = new QTimer(this);
    followTimer->setSingleShot(true);
    followTimer->setInterval(0);
    connect(followTimer, &QTimer::timeout, m_view, &QTableView::scrollToBottom);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, [this, followTimer] {
        if (m_follow->isChecked())
            followTimer->start();
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        if (m_follow->isChecked())
            m_view->scrollToBottom();
    });
    // Scrolling up pauses following; reaching the bottom again resumes it.
    connect(m_view->verticalScrollBar(), &QScrollBar::valueChanged, this, [this](int value) {
        QScrollBar *bar = m_view->verticalScrollBar();
        if (bar->isSliderDown())
            m_follow->setChecked(value >= bar->maximum());
    });
    connect(m_follow, &QCheckBox::toggled, this, [this](bool on) {
        Settings::instance().setValue(Settings::Key::LogFollow, on);
        if (on)
            m_view->scrollToBottom();
    });
    connect(m_timestamps, &QCheckBox::toggled, this, [this](bool on) {
        Settings::instance().setValue(Settings::Key::LogShowTimestamps, on);
        m_model->setShowTimestamps(on);
    });
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_model->setHighlight(text.trimmed());
        m_status->clear();
    });
    connect(m_search, &QLineEdit::returnPressed, this,
            [this] { findNext(!(QApplication::keyboardModifiers() & Qt::ShiftModifier)); });
    connect(prev, &QToolButton::clicked, this, [this] { findNext(false); });
    connect(next, &QToolButton::clicked, this, [this] { findNext(true); });
    connect(copy, &QToolButton::clicked, this, &LogView::copySelection);
    connect(save, &QToolButton::clicked, this, [this] { saveAs(); });
    // No polling here: the backend that owns the store refreshes it (the local backend every
    // kLogRefreshMs, dstack as its log follower polls) and the model follows the store's signals.
}

void LogView::setStore(LogStore *store)
{
    m_model->setStore(store);
    m_status->clear();
}

void LogView::setFollow(bool follow)
{
    m_follow->setChecked(follow);
}

bool LogView::follow() const
{
    return m_follow->isChecked();
}

void LogView::findNext(bool forward)
{
    const QModelIndex current = m_view->currentIndex();
    const int from = current.isValid() ? current.row() : (forward ? -1 : m_model->rowCount());
    const int row = m_model->findNext(from, forward);
    if (row < 0) {
        m_status->setText(m_search->text().isEmpty() ? QString() : tr("no match"));
        return;
    }
    m_follow->setChecked(false);
    const QModelIndex index = m_model->index(row);
    m_view->setCurrentIndex(index);
    m_view->scrollTo(index, QAbstractItemView::PositionAtCenter);
    m_status->setText(tr("line %1").arg(row + 1));
}

void LogView::copySelection()
{
    QModelIndexList rows = m_view->selectionModel()->selectedRows();
    std::sort(rows.begin(), rows.end(), [](const QModelIndex &a, const QModelIndex &b) { return a.row() < b.row(); });
    QString text;
    for (const QModelIndex &i : std::as_const(rows))
        text += m_model->text(i.row(), i.row());
    if (!text.isEmpty())
        QApplication::clipboard()->setText(text);
}

void LogView::saveAs(const QString &path)
{
    const QString target =
        path.isEmpty() ? QFileDialog::getSaveFileName(this, tr("Save log"), QStringLiteral("run.log")) : path;
    if (target.isEmpty())
        return;
    QString error;
    m_status->setText(m_model->saveTo(target, &error) ? tr("saved") : error);
}

void LogView::showEvent(QShowEvent *event)
{
    // The clear button's icon is the style's image: its first load makes Qt probe every
    // image-format plugin, which is not to be paid before the first frame (the Runs tab is
    // not in it).
    if (!m_search->isClearButtonEnabled())
        m_search->setClearButtonEnabled(true);
    QWidget::showEvent(event);
}

} // namespace gantry::ui
