#include "ui/settings/DstackServersDialog.h"

#include "core/backends/SavedServers.h"
#include "core/backends/dstack/DstackBackend.h"
#include "core/secrets/TokenStore.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>

namespace gantry::ui {

DstackServersDialog::DstackServersDialog(QWidget *parent)
    : QDialog(parent)
    , m_url(new QLineEdit(this))
    , m_project(new QLineEdit(this))
    , m_token(new QLineEdit(this))
    , m_test(new QPushButton(tr("Test connection"), this))
    , m_save(new QPushButton(tr("Save"), this))
    , m_status(new QLabel(this))
    , m_tokens(new TokenStore(this))
{
    setWindowTitle(tr("dstack Server"));
    m_url->setPlaceholderText(QStringLiteral("http://127.0.0.1:3000"));
    m_project->setText(QStringLiteral("main"));
    m_token->setEchoMode(QLineEdit::Password);
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->addButton(m_test, QDialogButtonBox::ActionRole);
    buttons->addButton(m_save, QDialogButtonBox::AcceptRole);
    auto *form = new QFormLayout(this);
    form->addRow(tr("Server URL"), m_url);
    form->addRow(tr("Project"), m_project);
    form->addRow(tr("Token"), m_token);
    form->addRow(new QLabel(tr("The token is stored in the OS keychain, never in settings or logs."), this));
    form->addRow(m_status);
    form->addRow(buttons);

    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_test, &QPushButton::clicked, this, &DstackServersDialog::testConnection);
    connect(m_save, &QPushButton::clicked, this, &DstackServersDialog::save);
    auto complete = [this] {
        const bool ok = !m_url->text().trimmed().isEmpty() && !m_project->text().trimmed().isEmpty();
        m_test->setEnabled(ok);
        m_save->setEnabled(ok);
    };
    connect(m_url, &QLineEdit::textChanged, this, complete);
    connect(m_project, &QLineEdit::textChanged, this, complete);
    complete();
}

DstackServersDialog::~DstackServersDialog() = default;

QString DstackServersDialog::statusText() const
{
    return m_status->text();
}

DstackProject DstackServersDialog::current() const
{
    DstackProject p;
    p.url = m_url->text().trimmed();
    p.name = m_project->text().trimmed();
    p.token = m_token->text();
    return p;
}

void DstackServersDialog::testConnection()
{
    delete m_probe;
    auto *probe = new DstackBackend(current(), this);
    m_probe = probe;
    m_status->setText(tr("Connecting to %1…").arg(probe->serverUrl()));
    connect(probe, &DstackBackend::connectionTested, this,
            [this](int, const QString &version, const QString &user, const QString &error) {
                if (!error.isEmpty())
                    m_status->setText(tr("✗ %1").arg(error));
                else
                    m_status->setText(tr("✓ Connected: dstack %1, signed in as %2")
                                          .arg(version.isEmpty() ? tr("(development build)") : version, user));
            });
    probe->testConnection();
}

void DstackServersDialog::save()
{
    const DstackProject project = current();
    savedservers::add({project.url, project.name}); // never the token
    m_status->setText(tr("Saving…"));
    m_tokens->write(project.url, project.name, project.token, this, [this, project](const TokenResult &result) {
        m_status->setText(result.source == TokenResult::Source::Keychain ? tr("Saved; the token is in the OS keychain.")
                                                                         : result.message);
        Q_EMIT projectSaved(project);
    });
}

} // namespace gantry::ui
