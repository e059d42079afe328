#pragma once

// The configuration editor: QScintilla with the YAML lexer, line numbers and folding, the
// core's diagnostics drawn in place (squiggle at line:col, a margin marker, the message on
// hover) and completion of keys and enum values at the cursor's YAML path. Lines with a
// fixable problem get a ⊕ marker; Ctrl+. (or a click on it) offers the fixes in a menu, and a
// fix is one undo step.

#include "core/common/Diagnostic.h"

#include <Qsci/qsciscintilla.h>

#include <functional>

class QMenu;
class QsciLexerYAML;

namespace gantry::ui {

class YamlEditor : public QsciScintilla
{
    Q_OBJECT
public:
    explicit YamlEditor(QWidget *parent = nullptr);

    // Marks the first kMaxMarkedDiagnostics in the text (squiggle and margin); the problem list
    // shows as many. A hostile file may carry 400,000.
    static constexpr qsizetype kMaxMarkedDiagnostics = 1000;
    void setDiagnostics(const Diagnostics &diagnostics);
    const Diagnostics &diagnostics() const { return m_diagnostics; }
    // The message(s) for a 1-based line, joined; empty when the line is clean.
    QString diagnosticText(int line) const;
    bool hasIndicatorAt(int line, int column) const; // 1-based: the squiggle is drawn there

    // The fixes of the problems on a 1-based line, in the order of the problems.
    QList<Fix> fixesAt(int line) const;
    bool hasFixMarker(int line) const; // 1-based
    // Applies `fix` as one undo step (its edits use the positions of the current text).
    void applyFix(const Fix &fix);
    // The menu of fixes for the cursor's line, popped up at the cursor; nullptr when none.
    QMenu *showFixesAtCursor();

    // Put the cursor at a 1-based line:column and show it.
    void goTo(int line, int column);

    // Completion candidates for the cursor: keys (or values) at its YAML path.
    QStringList completionsAtCursor() const;
    void showCompletions();

    void applyPalette(); // follow the system light/dark palette

protected:
    void keyPressEvent(QKeyEvent *event) override;
    bool event(QEvent *event) override; // Ctrl+. here means fixes, not the window's Stop Run
    void changeEvent(QEvent *event) override;

private:
    void onCharAdded(int ch);
    void onDwell(int position, int x, int y);
    void onCompletionChosen(int id, const QString &text);

    QMenu *showFixMenu(const QList<Fix> &fixes, const QPoint &globalPos);

    QsciLexerYAML *m_lexer = nullptr;
    QMenu *m_fixMenu = nullptr;
    Diagnostics m_diagnostics;
    int m_errorIndicator = 8;
    int m_warningIndicator = 9;
};

} // namespace gantry::ui
