#pragma once

// The Editor tab: one configuration file in a YamlEditor, re-parsed 250 ms after the last
// keystroke, with a problems list that jumps to each diagnostic (and a Fix button for those
// with a remedy). Unsaved text is copied to
// stateDir()/backups every few seconds; opening a file with a newer backup offers it back.

#include "core/config/ConfigParser.h"

#include <QWidget>

#include <optional>

class QLabel;
class QListWidget;
class QPushButton;
class QTimer;

namespace gantry::ui {

class YamlEditor;

class EditorPanel : public QWidget
{
    Q_OBJECT
public:
    explicit EditorPanel(QWidget *parent = nullptr);

    // Open a file; false (and a message in *error) when it cannot be read.
    bool openFile(const QString &path, QString *error = nullptr);
    QString filePath() const { return m_path; }
    bool save(QString *error = nullptr);
    bool isModified() const;

    // The last parse of the text on screen.
    const ParseResult &parseResult() const { return m_result; }
    std::optional<Configuration> configuration() const { return m_result.configuration; }

    YamlEditor *editor() const { return m_editor; }
    QListWidget *problems() const { return m_problems; }
    // Fixes the selected problem: its one fix at once, else a menu of them (returned).
    QPushButton *fixButton() const { return m_fixButton; }
    bool hasBackupOffer() const;
    void restoreBackup();
    void discardBackup();

    static QString backupPathFor(const QString &filePath);

    void reparseNow(); // skip the debounce and parse here, at once (tests, Plan)

Q_SIGNALS:
    void parsed(); // parseResult() changed
    void modificationChanged(bool modified);
    void fileOpened(const QString &path);

private:
    void reparseInBackground(); // the debounced parse: off the GUI thread, stale results dropped
    void applyParse(ParseResult result);
    void writeBackup();
    void showProblems();
    void fixSelectedProblem();
    void updateTitle();

    QString m_path;
    YamlEditor *m_editor;
    QListWidget *m_problems;
    QLabel *m_title;
    QLabel *m_summary;
    QWidget *m_restoreBar;
    QLabel *m_restoreText;
    QPushButton *m_saveButton;
    QPushButton *m_fixButton;
    QTimer *m_parseTimer;
    QTimer *m_backupTimer;
    ParseResult m_result;
    bool m_loading = false;
    quint64 m_parseGeneration = 0; // bumped per parse started; an older result is dropped
};

} // namespace gantry::ui
