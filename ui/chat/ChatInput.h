#pragma once

// The message box: Enter sends, Shift+Enter starts a new line, Esc cancels an edit.

#include <QPlainTextEdit>

namespace gantry::ui {

class ChatInput : public QPlainTextEdit
{
    Q_OBJECT
public:
    using QPlainTextEdit::QPlainTextEdit;

Q_SIGNALS:
    void submitted();
    void cancelled(); // Esc

protected:
    void keyPressEvent(QKeyEvent *event) override;
};

} // namespace gantry::ui
