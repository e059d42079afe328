#pragma once

#include "core/backends/dstack/DstackConfigFile.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;

namespace gantry {
class Backend;
class TokenStore;
} // namespace gantry

namespace gantry::ui {

// Add a dstack server project: URL, project, token. "Test connection" asks the server for
// its version and the token's user; "Save" keeps URL + project in the saved servers
// (core/backends/SavedServers, which gantry-cli reads too) and the token in the OS keychain
// (never in settings or logs), then hands the project to the main window.
class DstackServersDialog : public QDialog
{
    Q_OBJECT
public:
    explicit DstackServersDialog(QWidget *parent = nullptr);
    ~DstackServersDialog() override;

    QLineEdit *urlEdit() const { return m_url; }
    QLineEdit *projectEdit() const { return m_project; }
    QLineEdit *tokenEdit() const { return m_token; }
    QPushButton *testButton() const { return m_test; }
    QPushButton *saveButton() const { return m_save; }
    QString statusText() const;

Q_SIGNALS:
    void projectSaved(const gantry::DstackProject &project);

private:
    DstackProject current() const;
    void testConnection();
    void save();

    QLineEdit *m_url;
    QLineEdit *m_project;
    QLineEdit *m_token;
    QPushButton *m_test;
    QPushButton *m_save;
    QLabel *m_status;
    TokenStore *m_tokens;
    Backend *m_probe = nullptr; // the backend "Test connection" uses, replaced on each test
};

} // namespace gantry::ui
