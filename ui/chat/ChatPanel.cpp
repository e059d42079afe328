#include "ui/chat/ChatPanel.h"
#include "ui/chat/CompareDialog.h"

#include "core/chat/ChatClient.h"
#include "core/chat/ChatSession.h"
#include "core/chat/ConversationStore.h"
#include "core/common/StatePaths.h"
#include "core/models/ConversationListModel.h"
#include "core/models/MessageListModel.h"
#include "core/secrets/TokenStore.h"
#include "ui/Settings.h"
#include "ui/chat/ChatInput.h"
#include "ui/chat/MessageDelegate.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSpinBox>
#include <QSplitter>
#include <QToolButton>
#include <QVBoxLayout>

namespace gantry::ui {

ChatPanel::ChatPanel(QWidget *parent)
    : QWidget(parent)
    , m_tokens(new TokenStore(this))
    , m_store(new ConversationStore(this))
    , m_client(new ChatClient(this))
    , m_session(new ChatSession(m_store, m_client, this))
    , m_conversations(new ConversationListModel(this))
    , m_messages(new MessageListModel(this))
    , m_delegate(new MessageDelegate(this))
    , m_search(new QLineEdit(this))
    , m_conversationView(new QListView(this))
    , m_endpoints(new QComboBox(this))
    , m_tokenNote(new QLabel(this))
    , m_systemPrompt(new QPlainTextEdit(this))
    , m_temperature(new QDoubleSpinBox(this))
    , m_maxTokens(new QSpinBox(this))
    , m_messageView(new QListView(this))
    , m_input(new ChatInput(this))
    , m_send(new QPushButton(tr("Send"), this))
    , m_stop(new QPushButton(tr("Stop"), this))
    , m_error(new QLabel(this))
    , m_editing(new QLabel(this))
{
    QString openError;
    const bool opened = m_store->open(chatDatabasePath(), &openError);
    m_conversations->setStore(m_store);
    m_messages->setSession(m_session);

    QWidget *left = buildConversationColumn(); // first: the tab order follows creation
    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addLayout(buildParameterRow());
    rightLayout->addWidget(m_tokenNote);
    rightLayout->addWidget(m_systemPrompt);
    setUpMessageView();
    rightLayout->addWidget(m_messageView, 1);
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("color: #c62828"));
    m_editing->setForegroundRole(QPalette::PlaceholderText);
    m_editing->hide();

    m_error->setVisible(!opened);
    m_error->setText(openError);
    rightLayout->addWidget(m_error);
    rightLayout->addWidget(m_editing);
    rightLayout->addLayout(buildInputRow());

    auto *split = new QSplitter(this);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(1, 1);
    split->setSizes({220, 800});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(split);

    connectSession();
    rebuildPicker();
    updateButtons();
}

// Left: the conversations, searchable, with New, Rename and Delete.
QWidget *ChatPanel::buildConversationColumn()
{
    m_search->setPlaceholderText(tr("Search conversations"));
    m_search->setClearButtonEnabled(true);
    m_conversationView->setModel(m_conversations);
    m_conversationView->setUniformItemSizes(true);
    auto *newButton = new QPushButton(tr("New"), this);
    auto *renameButton = new QToolButton(this);
    renameButton->setText(tr("Rename"));
    auto *deleteButton = new QToolButton(this);
    deleteButton->setText(tr("Delete"));
    auto *convButtons = new QHBoxLayout;
    convButtons->addWidget(newButton, 1);
    convButtons->addWidget(renameButton);
    convButtons->addWidget(deleteButton);
    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_search);
    leftLayout->addWidget(m_conversationView, 1);
    leftLayout->addLayout(convButtons);

    connect(m_search, &QLineEdit::textChanged, m_conversations, &ConversationListModel::setFilter);
    connect(m_conversationView, &QListView::clicked, this, [this](const QModelIndex &i) { openConversation(i.row()); });
    connect(newButton, &QPushButton::clicked, this, &ChatPanel::newConversation);
    connect(renameButton, &QToolButton::clicked, this, [this] {
        const QModelIndex i = m_conversationView->currentIndex();
        if (!i.isValid())
            return;
        bool ok = false;
        const QString title = QInputDialog::getText(this, tr("Rename conversation"), tr("Title:"), QLineEdit::Normal,
                                                    i.data(ConversationListModel::TitleRole).toString(), &ok);
        if (ok && !title.trimmed().isEmpty())
            m_store->rename(m_conversations->conversationId(i.row()), title.trimmed());
    });
    connect(deleteButton, &QToolButton::clicked, this, [this] {
        const QModelIndex i = m_conversationView->currentIndex();
        if (!i.isValid())
            return;
        if (QMessageBox::question(
                this, tr("Delete conversation"),
                tr("Delete “%1” and all its messages?").arg(i.data(ConversationListModel::TitleRole).toString())) !=
            QMessageBox::Yes)
            return;
        const qint64 id = m_conversations->conversationId(i.row());
        if (id == m_session->conversationId())
            newConversation();
        m_store->remove(id);
    });
    return left;
}

// Right, top: the endpoint picker and the parameters, kept in Settings as they change.
QLayout *ChatPanel::buildParameterRow()
{
    auto *addEndpoint = new QToolButton(this);
    addEndpoint->setText(tr("Add endpoint…"));
    m_tokenNote->setForegroundRole(QPalette::PlaceholderText);
    Settings &settings = Settings::instance();
    m_temperature->setRange(0, 2);
    m_temperature->setSingleStep(0.1);
    m_temperature->setValue(settings.value(Settings::Key::ChatTemperature).toDouble());
    m_temperature->setPrefix(tr("temperature "));
    m_maxTokens->setRange(1, 32768);
    m_maxTokens->setValue(settings.value(Settings::Key::ChatMaxTokens).toInt());
    m_maxTokens->setPrefix(tr("max tokens "));
    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Model:"), this));
    top->addWidget(m_endpoints, 1);
    top->addWidget(addEndpoint);
    top->addWidget(m_temperature);
    top->addWidget(m_maxTokens);
    m_systemPrompt->setPlaceholderText(tr("System prompt (optional)"));
    m_systemPrompt->setPlainText(settings.value(Settings::Key::ChatSystemPrompt).toString());
    m_systemPrompt->setMaximumHeight(m_systemPrompt->fontMetrics().lineSpacing() * 3 + 12);

    connect(addEndpoint, &QToolButton::clicked, this, &ChatPanel::addEndpointDialog);
    connect(m_endpoints, &QComboBox::currentIndexChanged, this, &ChatPanel::applyEndpoint);
    connect(m_temperature, &QDoubleSpinBox::valueChanged, this,
            [](double v) { Settings::instance().setValue(Settings::Key::ChatTemperature, v); });
    connect(m_maxTokens, &QSpinBox::valueChanged, this,
            [](int v) { Settings::instance().setValue(Settings::Key::ChatMaxTokens, v); });
    connect(m_systemPrompt, &QPlainTextEdit::textChanged, this,
            [this] { Settings::instance().setValue(Settings::Key::ChatSystemPrompt, m_systemPrompt->toPlainText()); });
    return top;
}

// Messages: one custom-painted row per message; rows laid out in batches, off-screen rows only
// estimated (MessageDelegate), so a 2,000-message chat opens at once.
void ChatPanel::setUpMessageView()
{
    m_messageView->setModel(m_messages);
    m_messageView->setItemDelegate(m_delegate);
    m_messageView->setVerticalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_messageView->setSelectionMode(QAbstractItemView::NoSelection);
    m_messageView->setLayoutMode(QListView::Batched);
    m_messageView->setBatchSize(64);
    m_messageView->setResizeMode(QListView::Adjust);
    m_messageView->setWordWrap(true);
    m_messageView->setFocusPolicy(Qt::NoFocus);
    m_messageView->setMouseTracking(true);

    // Keep the newest text in view while streaming, unless the user scrolled up.
    auto stickToBottom = [this] {
        QScrollBar *bar = m_messageView->verticalScrollBar();
        if (bar->value() >= bar->maximum() - 40)
            QMetaObject::invokeMethod(m_messageView, &QListView::scrollToBottom, Qt::QueuedConnection);
    };
    connect(m_messages, &QAbstractItemModel::rowsInserted, this, stickToBottom);
    connect(m_messages, &QAbstractItemModel::dataChanged, this, stickToBottom);
    connect(m_messages, &QAbstractItemModel::modelReset, this, [this] {
        m_delegate->clearCache();
        QMetaObject::invokeMethod(m_messageView, &QListView::scrollToBottom, Qt::QueuedConnection);
    });
    connect(m_delegate, &MessageDelegate::copyRequested, this,
            [](const QString &text) { QApplication::clipboard()->setText(text); });
    connect(m_delegate, &MessageDelegate::regenerateRequested, this, [this](const QModelIndex &i) {
        applyParameters();
        m_session->regenerate(m_messages->messageId(i.row()));
    });
    connect(m_delegate, &MessageDelegate::editRequested, this, [this](const QModelIndex &i) {
        m_editingMessage = m_messages->messageId(i.row());
        m_input->setPlainText(i.data(MessageListModel::ContentRole).toString());
        m_editing->setText(tr("Editing a message: Enter sends it as a new branch; Esc or an empty box cancels."));
        m_editing->show();
        m_input->setFocus();
    });
    connect(m_delegate, &MessageDelegate::siblingRequested, this,
            [this](const QModelIndex &i, int delta) { m_messages->showSibling(i.row(), delta); });
}

// Bottom: the message box with Send, Stop and Compare….
QLayout *ChatPanel::buildInputRow()
{
    m_input->setPlaceholderText(tr("Message (Enter to send, Shift+Enter for a new line)"));
    m_input->setMaximumHeight(m_input->fontMetrics().lineSpacing() * 5 + 14);
    m_stop->setEnabled(false);
    auto *inputRow = new QHBoxLayout;
    inputRow->addWidget(m_input, 1);
    auto *inputButtons = new QVBoxLayout;
    inputButtons->addWidget(m_send);
    inputButtons->addWidget(m_stop);
    m_compareButton = new QPushButton(tr("Compare…"), this);
    m_compareButton->setToolTip(tr("Send one prompt to 2–4 endpoints at once, side by side"));
    connect(m_compareButton, &QPushButton::clicked, this, &ChatPanel::openCompare);
    inputButtons->addWidget(m_compareButton);
    inputButtons->addStretch(1);
    inputRow->addLayout(inputButtons);

    connect(m_input, &ChatInput::submitted, this, &ChatPanel::sendInput);
    connect(m_input, &ChatInput::cancelled, this, [this] {
        if (m_editingMessage > 0) {
            m_editingMessage = -1;
            m_editing->hide();
            m_input->clear();
        }
    });
    connect(m_send, &QPushButton::clicked, this, &ChatPanel::sendInput);
    connect(m_stop, &QPushButton::clicked, m_session, &ChatSession::stop);
    return inputRow;
}

// The session's errors, new messages, finished replies and conversation switches.
void ChatPanel::connectSession()
{
    connect(m_session, &ChatSession::error, this, [this](const QString &message) {
        m_error->setText(message);
        m_error->show();
    });
    connect(m_session, &ChatSession::messageAdded, this, &ChatPanel::updateButtons);
    connect(m_session, &ChatSession::replyFinished, this, [this](qint64, ReplyStatus status) {
        updateButtons();
        if (status == ReplyStatus::Failed) {
            const int row = m_messages->rowCount() - 1;
            const QString why =
                row >= 0 ? m_messages->index(row).data(MessageListModel::ErrorRole).toString() : QString();
            m_error->setText(why);
            m_error->setVisible(!why.isEmpty());
        }
    });
    connect(m_session, &ChatSession::conversationChanged, this, [this](qint64 id) {
        const int row = m_conversations->rowOf(id);
        if (row >= 0)
            m_conversationView->setCurrentIndex(m_conversations->index(row));
    });
}

ChatPanel::~ChatPanel()
{
    m_session->stop();
}

QString ChatPanel::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

void ChatPanel::setRunEndpoints(const QList<RunInfo> &runs, const std::function<QString(const QString &)> &tokenOf)
{
    QList<Choice> choices;
    for (const RunInfo &run : runs) {
        if (!run.ready || !run.model || isFinal(run.status))
            continue;
        QString token = tokenOf ? tokenOf(run.name) : QString();
        for (const Choice &c : std::as_const(m_runChoices))
            if (token.isEmpty() && c.endpoint.baseUrl == run.model->baseUrl)
                token = c.token;
        choices << Choice{tr("%1 — run %2").arg(run.model->name, run.name), *run.model, token, QString(), run.price};
    }
    bool same = choices.size() == m_runChoices.size();
    for (qsizetype i = 0; same && i < choices.size(); ++i)
        same = choices[i].label == m_runChoices[i].label && choices[i].token == m_runChoices[i].token &&
               choices[i].endpoint.baseUrl == m_runChoices[i].endpoint.baseUrl;
    if (same)
        return;
    m_runChoices = choices;
    rebuildPicker();
}

void ChatPanel::useEndpoint(const ModelEndpoint &endpoint, const QString &token, const QString &runName)
{
    const QString label = tr("%1 — run %2").arg(endpoint.name, runName);
    bool found = false;
    for (Choice &c : m_runChoices) {
        if (c.label == label) {
            c.endpoint = endpoint;
            c.token = token;
            found = true;
        }
    }
    if (!found)
        m_runChoices << Choice{label, endpoint, token};
    rebuildPicker();
    m_endpoints->setCurrentIndex(std::max(0, m_endpoints->findText(label)));
    applyEndpoint();
    m_input->setFocus();
}

void ChatPanel::addManualEndpoint(const QString &baseUrl, const QString &model, const QString &token)
{
    ModelEndpoint endpoint;
    endpoint.baseUrl = baseUrl.endsWith(QLatin1Char('/')) ? baseUrl.chopped(1) : baseUrl;
    endpoint.name = model;
    endpoint.needsToken = !token.isEmpty();
    const QString label = tr("%1 — %2").arg(model, endpoint.baseUrl);
    if (Choice *existing = manualChoice(label)) {
        existing->endpoint = endpoint;
        existing->token = token;
    } else {
        m_manualChoices << Choice{label, endpoint, token, QString()};
    }
    if (!token.isEmpty()) {
        manualChoice(label)->tokenWhere = tr("saving the token…");
        m_tokens->write(endpoint.baseUrl, keychainKey(model), token, this, [this, label](const TokenResult &result) {
            if (Choice *c = manualChoice(label))
                c->tokenWhere =
                    result.source == TokenResult::Source::Keychain ? tr("token in the OS keychain") : result.message;
            applyEndpoint();
        });
    }
    QStringList saved = Settings::instance().value(Settings::Key::ManualEndpoints).toStringList();
    const QString entry = endpoint.baseUrl + QLatin1Char('#') + model; // the URL and model only, never the token
    if (!saved.contains(entry))
        Settings::instance().setValue(Settings::Key::ManualEndpoints, saved << entry);
    rebuildPicker();
    m_endpoints->setCurrentIndex(m_endpoints->findText(label));
}

void ChatPanel::addEndpointDialog()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Add endpoint"));
    auto *url = new QLineEdit(&dialog);
    url->setPlaceholderText(QStringLiteral("http://127.0.0.1:8000/v1"));
    auto *model = new QLineEdit(&dialog);
    auto *token = new QLineEdit(&dialog);
    token->setEchoMode(QLineEdit::Password);
    auto *note = new QLabel(tr("The token is stored in the OS keychain, never in settings or logs. "
                               "Without a keychain it is kept in memory for this session only."),
                            &dialog);
    note->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    auto *form = new QFormLayout(&dialog);
    form->addRow(tr("Base URL"), url);
    form->addRow(tr("Model"), model);
    form->addRow(tr("Token"), token);
    form->addRow(note);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() == QDialog::Accepted && !url->text().trimmed().isEmpty())
        addManualEndpoint(url->text().trimmed(), model->text().trimmed(), token->text());
}

QString ChatPanel::endpointNote() const
{
    return m_tokenNote->text();
}

ChatPanel::Choice *ChatPanel::manualChoice(const QString &label)
{
    for (Choice &c : m_manualChoices) {
        if (c.label == label)
            return &c;
    }
    return nullptr;
}

ModelEndpoint ChatPanel::currentEndpoint() const
{
    const int i = m_endpoints->currentIndex();
    const QList<Choice> all = m_runChoices + m_manualChoices;
    return i >= 0 && i < all.size() ? all[i].endpoint : ModelEndpoint{};
}

void ChatPanel::rebuildPicker()
{
    if (m_manualChoices.isEmpty()) {
        // Manual endpoints remembered from earlier sessions; their tokens come back from the keychain.
        for (const QString &entry : Settings::instance().value(Settings::Key::ManualEndpoints).toStringList()) {
            const qsizetype hash = entry.lastIndexOf(QLatin1Char('#'));
            ModelEndpoint e;
            e.baseUrl = hash < 0 ? entry : entry.left(hash);
            e.name = hash < 0 ? QString() : entry.mid(hash + 1);
            const QString label = tr("%1 — %2").arg(e.name, e.baseUrl);
            m_manualChoices << Choice{label, e, QString(), QString()};
            m_tokens->read(e.baseUrl, keychainKey(e.name), this, [this, label](const TokenResult &result) {
                Choice *c = manualChoice(label);
                if (!c || !c->token.isEmpty() || result.token.isEmpty())
                    return;
                c->token = result.token;
                c->endpoint.needsToken = true;
                c->tokenWhere = tr("token in the OS keychain");
                if (m_client->endpoint().baseUrl == c->endpoint.baseUrl)
                    m_client->setEndpoint(c->endpoint, c->token);
                applyEndpoint();
            });
        }
    }
    const QString current = m_endpoints->currentText();
    m_endpoints->blockSignals(true);
    m_endpoints->clear();
    for (const Choice &c : std::as_const(m_runChoices))
        m_endpoints->addItem(c.label);
    for (const Choice &c : std::as_const(m_manualChoices))
        m_endpoints->addItem(c.label);
    m_endpoints->setPlaceholderText(tr("No ready model: deploy one, or add an endpoint"));
    const int keep = m_endpoints->findText(current);
    m_endpoints->setCurrentIndex(keep >= 0 ? keep : (m_endpoints->count() > 0 ? 0 : -1));
    m_endpoints->blockSignals(false);
    applyEndpoint();
}

void ChatPanel::applyEndpoint()
{
    const int i = m_endpoints->currentIndex();
    const QList<Choice> all = m_runChoices + m_manualChoices;
    if (i < 0 || i >= all.size()) {
        m_tokenNote->hide();
        updateButtons();
        return;
    }
    const Choice &c = all[i];
    if (c.endpoint.baseUrl != m_client->endpoint().baseUrl || c.endpoint.name != m_client->endpoint().name)
        m_client->setEndpoint(c.endpoint, c.token);
    const QString where = c.tokenWhere.isEmpty() ? tr("token held in memory for this session") : c.tokenWhere;
    QString note =
        c.token.isEmpty() ? tr("%1 · no token").arg(c.endpoint.baseUrl) : tr("%1 · %2").arg(c.endpoint.baseUrl, where);
    if (const QString warning = plainHttpTokenWarning(c.endpoint.baseUrl); !c.token.isEmpty() && !warning.isEmpty())
        note += QStringLiteral(" · ⚠ ") + warning; // said before anything is sent
    m_tokenNote->setText(note);
    m_tokenNote->show();
    updateButtons();
}

void ChatPanel::applyParameters()
{
    ChatParameters p = m_session->parameters();
    p.systemPrompt = m_systemPrompt->toPlainText().trimmed();
    p.temperature = m_temperature->value();
    p.maxTokens = m_maxTokens->value();
    m_session->setParameters(p);
}

void ChatPanel::newConversation()
{
    m_session->stop();
    m_session->openConversation(0);
    m_messages->reload();
    m_conversationView->clearSelection();
    m_error->hide();
    m_input->setFocus();
}

void ChatPanel::openConversation(int row)
{
    const qint64 id = row >= 0 && row < m_conversations->rowCount() ? m_conversations->conversationId(row) : 0;
    if (id <= 0 || id == m_session->conversationId())
        return;
    m_conversationView->setCurrentIndex(m_conversations->index(row));
    m_session->stop();
    m_session->openConversation(id);
    m_messages->reload();
    m_error->hide();
}

void ChatPanel::sendInput()
{
    const QString text = m_input->toPlainText().trimmed();
    if (m_session->isBusy())
        return;
    if (text.isEmpty()) {
        m_editingMessage = -1;
        m_editing->hide();
        return;
    }
    if (currentEndpoint().baseUrl.isEmpty()) {
        m_error->setText(tr("Pick a model first: deploy one and press “Chat with this model”, or add an endpoint."));
        m_error->show();
        return;
    }
    applyParameters();
    m_error->hide();
    const std::optional<qint64> id =
        m_editingMessage > 0 ? m_session->editAndResend(m_editingMessage, text) : m_session->send(text);
    m_editingMessage = -1;
    m_editing->hide();
    if (id)
        m_input->clear();
    updateButtons();
}

void ChatPanel::updateButtons()
{
    const bool busy = m_session->isBusy();
    m_send->setEnabled(!busy && m_endpoints->currentIndex() >= 0);
    m_stop->setEnabled(busy);
}

QList<CompareTarget> ChatPanel::compareTargets() const
{
    QList<CompareTarget> targets;
    for (const QList<Choice> *list : {&m_runChoices, &m_manualChoices}) {
        for (const Choice &c : *list)
            targets << CompareTarget{c.label, c.endpoint, c.token, c.price};
    }
    return targets;
}

CompareDialog *ChatPanel::openCompare()
{
    auto *dialog = new CompareDialog(m_store, compareTargets(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setObjectName(QStringLiteral("compareDialog"));
    dialog->show();
    return dialog;
}

} // namespace gantry::ui
