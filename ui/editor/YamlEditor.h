#pragma once

// The configuration editor: QScintilla with the YAML lexer, line numbers and folding, the
// core's diagnostics drawn in place (squiggle at line:col, a margin marker, the message on
// hover) and completion of keys and enum values at the cursor's YAML path.

#include "common/Diagnostic.h"

#include <Qsci/qsciscintilla.h>

#include <functional>

class QsciLexerYAML;

namespace gantry::ui {

class YamlEditor : public QsciScintilla
{
    Q_OBJECT
public:
    explicit YamlEditor(QWidget *parent = nullptr);

    void setDiagnostics(const Diagnostics &diagnostics);
    const Diagnostics &diagnostics() const { return m_diagnostics; }
    // The message(s) for a 1-based line, joined; empty when the line is clean.
    QString diagnosticText(int line) const;
    bool hasIndicatorAt(int line, int column) const;  // 1-based: the squiggle is drawn there

    // Put the cursor at a 1-based line:column and show it.
    void goTo(int line, int column);

    // Completion candidates for the cursor: keys (or values) at its YAML path.
    QStringList completionsAtCursor() const;
    void showCompletions();

    void applyPalette();  // follow the system light/dark palette

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void onCharAdded(int ch);
    void onDwell(int position, int x, int y);
    void onCompletionChosen(int id, const QString &text);

    QsciLexerYAML *m_lexer = nullptr;
    Diagnostics m_diagnostics;
    int m_errorIndicator = 8;
    int m_warningIndicator = 9;
};

} // namespace gantry::ui
