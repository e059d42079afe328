#pragma once

// Chat → Compare: one prompt to 2–4 of the picker's endpoints at once, the replies streaming
// side by side with their TTFT, tokens/s, tokens and cost (the run's price for the reply's
// time). The work is the core's ComparisonRun; the result is kept as one comparison in the
// chat database and can be exported as Markdown.

#include "core/chat/ComparisonRun.h"

#include <QDialog>
#include <QList>

#include <memory>

class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QHBoxLayout;

namespace gantry::ui {

class CompareDialog : public QDialog
{
    Q_OBJECT
public:
    // `choices`: every endpoint the chat panel offers (ready runs with their price, manual ones).
    CompareDialog(ConversationStore *conversations, const QList<CompareTarget> &choices, QWidget *parent = nullptr);
    ~CompareDialog() override;

    QListWidget *endpointList() const { return m_list; } // check 2–4 of them
    QPlainTextEdit *prompt() const { return m_prompt; }
    QPushButton *compareButton() const { return m_compare; }
    QPushButton *exportButton() const { return m_export; }
    void start(); // with the checked endpoints and the prompt

    ComparisonRun *comparison() const { return m_run.get(); }
    int columnCount() const { return int(m_columns.size()); }
    QString columnText(int column) const;
    QString columnMetrics(int column) const; // "TTFT 120 ms · 35.2 tok/s · 12 → 64 tokens · $0.000021"
    QString markdown() const; // of the finished comparison; empty before
    QString errorText() const;

Q_SIGNALS:
    void comparisonFinished(qint64 comparisonId);

private:
    struct Column {
        QLabel *title;
        QPlainTextEdit *text;
        QLabel *metrics;
    };
    void updateButtons();
    void showMetrics(int column);
    void exportMarkdown();

    ConversationStore *m_conversations;
    ComparisonStore m_comparisons;
    QList<CompareTarget> m_choices;
    std::unique_ptr<ComparisonRun> m_run;
    QList<Column> m_columns;
    QListWidget *m_list;
    QPlainTextEdit *m_prompt;
    QPushButton *m_compare;
    QPushButton *m_stop;
    QPushButton *m_export;
    QLabel *m_error;
    QWidget *m_columnsBox;
    QHBoxLayout *m_columnsLayout;
};

} // namespace gantry::ui
