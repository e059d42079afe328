#include "ui/chat/ChatInput.h"

#include <QKeyEvent>

namespace gantry::ui {

void ChatInput::keyPressEvent(QKeyEvent *event)
{
    const bool enter = event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter;
    if (enter && !(event->modifiers() & Qt::ShiftModifier)) {
        Q_EMIT submitted();
        return;
    }
    if (event->key() == Qt::Key_Escape) {
        Q_EMIT cancelled();
        return;
    }
    QPlainTextEdit::keyPressEvent(event);
}

} // namespace gantry::ui
