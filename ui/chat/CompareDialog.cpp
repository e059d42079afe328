#include "ui/chat/CompareDialog.h"

#include "core/common/StatePaths.h"

#include <QFile>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QVBoxLayout>

namespace gantry::ui {

CompareDialog::CompareDialog(ConversationStore *conversations, const QList<CompareTarget> &choices, QWidget *parent)
    : QDialog(parent)
    , m_conversations(conversations)
    , m_choices(choices)
    , m_list(new QListWidget(this))
    , m_prompt(new QPlainTextEdit(this))
    , m_compare(new QPushButton(tr("Compare"), this))
    , m_stop(new QPushButton(tr("Stop"), this))
    , m_export(new QPushButton(tr("Export Markdown…"), this))
    , m_error(new QLabel(this))
    , m_columnsBox(new QWidget(this))
    , m_columnsLayout(new QHBoxLayout(m_columnsBox))
{
    setWindowTitle(tr("Compare models"));
    resize(1100, 700);
    if (QString error; !m_comparisons.open(chatDatabasePath(), &error))
        m_error->setText(error);
    for (const CompareTarget &t : choices) {
        auto *item = new QListWidgetItem(
            t.pricePerHour > 0 ? tr("%1  ($%2/h)").arg(t.label).arg(t.pricePerHour) : t.label, m_list);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Unchecked);
    }
    m_list->setMaximumHeight(110);
    m_prompt->setPlaceholderText(tr("One prompt for every checked endpoint"));
    m_prompt->setMaximumHeight(90);
    m_error->setWordWrap(true);
    m_error->setForegroundRole(QPalette::PlaceholderText);
    m_stop->setEnabled(false);
    m_export->setEnabled(false);
    m_columnsLayout->setContentsMargins(0, 0, 0, 0);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_error, 1);
    buttons->addWidget(m_compare);
    buttons->addWidget(m_stop);
    buttons->addWidget(m_export);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Endpoints (2 to 4):"), this));
    layout->addWidget(m_list);
    layout->addWidget(m_prompt);
    layout->addLayout(buttons);
    layout->addWidget(m_columnsBox, 1);

    connect(m_list, &QListWidget::itemChanged, this, &CompareDialog::updateButtons);
    connect(m_prompt, &QPlainTextEdit::textChanged, this, &CompareDialog::updateButtons);
    connect(m_compare, &QPushButton::clicked, this, &CompareDialog::start);
    connect(m_stop, &QPushButton::clicked, this, [this] {
        if (m_run)
            m_run->stop();
    });
    connect(m_export, &QPushButton::clicked, this, &CompareDialog::exportMarkdown);
    updateButtons();
}

CompareDialog::~CompareDialog() = default;

void CompareDialog::updateButtons()
{
    int checked = 0;
    for (int i = 0; i < m_list->count(); ++i)
        checked += m_list->item(i)->checkState() == Qt::Checked;
    const bool busy = m_run && !m_run->isFinished();
    m_compare->setEnabled(!busy && checked >= ComparisonRun::kMinColumns && checked <= ComparisonRun::kMaxColumns &&
                          !m_prompt->toPlainText().trimmed().isEmpty());
    m_compare->setToolTip(checked > ComparisonRun::kMaxColumns ? tr("At most 4 endpoints")
                                                               : tr("Check 2 to 4 endpoints and write a prompt"));
    m_stop->setEnabled(busy);
    m_export->setEnabled(m_run && m_run->comparisonId() > 0);
}

void CompareDialog::start()
{
    QList<CompareTarget> targets;
    for (int i = 0; i < m_list->count(); ++i)
        if (m_list->item(i)->checkState() == Qt::Checked)
            targets << m_choices[i];
    for (const Column &c : std::as_const(m_columns)) {
        delete c.title->parentWidget();
    }
    m_columns.clear();
    m_run = std::make_unique<ComparisonRun>(m_conversations, &m_comparisons, targets, ChatParameters());
    for (const CompareTarget &t : targets) {
        auto *box = new QWidget(m_columnsBox);
        auto *v = new QVBoxLayout(box);
        v->setContentsMargins(0, 0, 0, 0);
        Column c{new QLabel(QStringLiteral("<b>%1</b>").arg(t.label.toHtmlEscaped()), box), new QPlainTextEdit(box),
                 new QLabel(box)};
        c.text->setReadOnly(true);
        c.metrics->setText(tr("waiting…"));
        c.metrics->setForegroundRole(QPalette::PlaceholderText);
        v->addWidget(c.title);
        v->addWidget(c.text, 1);
        v->addWidget(c.metrics);
        m_columnsLayout->addWidget(box, 1);
        m_columns << c;
    }
    connect(m_run.get(), &ComparisonRun::delta, this, [this](int column, const QString &content, const QString &) {
        QPlainTextEdit *text = m_columns[column].text;
        text->moveCursor(QTextCursor::End);
        text->insertPlainText(content);
    });
    connect(m_run.get(), &ComparisonRun::columnFinished, this,
            [this](int column, ReplyStatus) { showMetrics(column); });
    connect(m_run.get(), &ComparisonRun::finished, this, [this](qint64 id) {
        m_error->setText(id > 0 ? tr("Kept as comparison %1").arg(id) : m_run->errorString());
        updateButtons();
        Q_EMIT comparisonFinished(id);
    });
    if (!m_run->start(m_prompt->toPlainText().trimmed()))
        m_error->setText(m_run->errorString());
    updateButtons();
}

void CompareDialog::showMetrics(int column)
{
    const StoredMessage answer = m_conversations->message(m_run->answerId(column)).value_or(StoredMessage());
    const double price = m_run->target(column).pricePerHour;
    QStringList facts;
    if (answer.metrics.timeToFirstTokenMs >= 0)
        facts << answer.metrics.toDisplayString();
    facts << (price > 0 ? QStringLiteral("$%1").arg(ComparisonColumn::costOf(price, answer.metrics), 0, 'f', 6)
                        : tr("free"));
    if (answer.status != ReplyStatus::Complete)
        facts << replyStatusToString(answer.status) +
                     (answer.error.isEmpty() ? QString() : QStringLiteral(": ") + answer.error);
    m_columns[column].metrics->setText(facts.join(QStringLiteral(" · ")));
}

QString CompareDialog::columnText(int column) const
{
    return column >= 0 && column < m_columns.size() ? m_columns[column].text->toPlainText() : QString();
}

QString CompareDialog::columnMetrics(int column) const
{
    return column >= 0 && column < m_columns.size() ? m_columns[column].metrics->text() : QString();
}

QString CompareDialog::markdown() const
{
    if (!m_run || m_run->comparisonId() <= 0)
        return {};
    return m_comparisons.exportMarkdown(m_run->comparisonId(), *m_conversations);
}

QString CompareDialog::errorText() const
{
    return m_error->text();
}

void CompareDialog::exportMarkdown()
{
    const QString md = markdown();
    if (md.isEmpty())
        return;
    auto *dialog = new QFileDialog(this, tr("Export comparison"), QString(), tr("Markdown (*.md)"));
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(QStringLiteral("md"));
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QFileDialog::fileSelected, this, [this, md](const QString &path) {
        QString error;
        m_error->setText(writeFileAtomically(path, md.toUtf8(), &error) ? tr("Exported to %1").arg(path) : error);
    });
    dialog->open();
}

} // namespace gantry::ui
