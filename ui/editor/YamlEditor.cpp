#include "ui/editor/YamlEditor.h"
#include "ui/Look.h"

#include "ui/editor/SchemaCompletion.h"
#include "ui/editor/YamlPath.h"

#include <Qsci/qscilexeryaml.h>

#include <algorithm>

#include <QApplication>
#include <QCursor>
#include <QEvent>
#include <QFontDatabase>
#include <QKeyEvent>
#include <QMenu>
#include <QPalette>
#include <QToolTip>

namespace gantry::ui {

namespace {
constexpr int kDiagnosticMargin = 1;
constexpr int kErrorMarker = 1;
constexpr int kWarningMarker = 2;
constexpr int kFixMarker = 3; // drawn over the error/warning dot: this line has a fix
constexpr int kCompletionList = 1;

} // namespace

YamlEditor::YamlEditor(QWidget *parent)
    : QsciScintilla(parent)
{
    QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    mono.setPointSize(10);
    m_lexer = new QsciLexerYAML(this);
    m_lexer->setDefaultFont(mono);
    m_lexer->setFont(mono);
    setLexer(m_lexer);
    setUtf8(true);
    setIndentationsUseTabs(false);
    setIndentationWidth(2);
    setTabWidth(2);
    setAutoIndent(true);
    setBraceMatching(NoBraceMatch);
    setCaretLineVisible(true);
    setEolMode(EolUnix);
    setWrapMode(WrapNone);
    // A horizontal scroll bar only once a line is wider than the view (Scintilla's default is a
    // fixed 2,000-pixel width, a bar below every short file; its first paint cost ~1 ms: issue 14).
    SendScintilla(SCI_SETSCROLLWIDTH, 1);
    SendScintilla(SCI_SETSCROLLWIDTHTRACKING, 1);

    // Margin 0: line numbers; margin 1: diagnostic markers; margin 2: folding.
    setMarginType(0, NumberMargin);
    setMarginLineNumbers(0, true);
    setMarginsFont(mono);
    setMarginWidth(0, QStringLiteral("0000"));
    setMarginType(kDiagnosticMargin, SymbolMargin);
    setMarginWidth(kDiagnosticMargin, 16);
    setMarginMarkerMask(kDiagnosticMargin, (1 << kErrorMarker) | (1 << kWarningMarker) | (1 << kFixMarker));
    setMarginSensitivity(kDiagnosticMargin, true);
    setFolding(BoxedTreeFoldStyle, 2);
    markerDefine(Circle, kErrorMarker);
    markerDefine(Circle, kWarningMarker);
    markerDefine(CircledPlus, kFixMarker);
    setMarkerBackgroundColor(QColor(0x1a, 0x73, 0xe8), kFixMarker);
    setMarkerForegroundColor(QColor(0xff, 0xff, 0xff), kFixMarker);
    setMarkerBackgroundColor(QColor(0xd3, 0x2f, 0x2f), kErrorMarker);
    setMarkerForegroundColor(QColor(0xd3, 0x2f, 0x2f), kErrorMarker);
    setMarkerBackgroundColor(QColor(0xe0, 0x9b, 0x00), kWarningMarker);
    setMarkerForegroundColor(QColor(0xe0, 0x9b, 0x00), kWarningMarker);

    indicatorDefine(SquiggleIndicator, m_errorIndicator);
    setIndicatorForegroundColor(QColor(0xd3, 0x2f, 0x2f), m_errorIndicator);
    indicatorDefine(SquiggleIndicator, m_warningIndicator);
    setIndicatorForegroundColor(QColor(0xe0, 0x9b, 0x00), m_warningIndicator);

    // Hover: Scintilla's dwell notifications after 400 ms of stillness.
    SendScintilla(SCI_SETMOUSEDWELLTIME, 400);
    connect(this, &QsciScintillaBase::SCN_DWELLSTART, this, &YamlEditor::onDwell);
    connect(this, &QsciScintillaBase::SCN_DWELLEND, this, [] { QToolTip::hideText(); });
    connect(this, &QsciScintillaBase::SCN_CHARADDED, this, &YamlEditor::onCharAdded);
    connect(this, &QsciScintilla::userListActivated, this, &YamlEditor::onCompletionChosen);
    connect(this, &QsciScintilla::marginClicked, this, [this](int, int line, Qt::KeyboardModifiers) {
        if (const QList<Fix> fixes = fixesAt(line + 1); !fixes.isEmpty()) {
            showFixMenu(fixes, QCursor::pos());
            return;
        }
        const QString text = diagnosticText(line + 1);
        if (!text.isEmpty())
            QToolTip::showText(QCursor::pos(), text, this);
    });
    applyPalette();
}

void YamlEditor::applyPalette()
{
    const QPalette p = palette();
    const bool dark = isDark(QApplication::palette());
    m_lexer->setDefaultPaper(QApplication::palette().color(QPalette::Base));
    m_lexer->setPaper(QApplication::palette().color(QPalette::Base));
    m_lexer->setDefaultColor(QApplication::palette().color(QPalette::Text));
    m_lexer->setColor(QApplication::palette().color(QPalette::Text), QsciLexerYAML::Default);
    m_lexer->setColor(dark ? QColor(0x80, 0xcb, 0xff) : QColor(0x1a, 0x5f, 0xb4), QsciLexerYAML::Identifier);
    m_lexer->setColor(dark ? QColor(0x8c, 0x8c, 0x8c) : QColor(0x6a, 0x73, 0x7d), QsciLexerYAML::Comment);
    m_lexer->setColor(dark ? QColor(0xf7, 0x8c, 0x6c) : QColor(0xb3, 0x1d, 0x28), QsciLexerYAML::Number);
    m_lexer->setColor(dark ? QColor(0xc3, 0xe8, 0x8d) : QColor(0x22, 0x86, 0x3a), QsciLexerYAML::Reference);
    m_lexer->setColor(dark ? QColor(0xc7, 0x92, 0xea) : QColor(0x6f, 0x42, 0xc1), QsciLexerYAML::Keyword);
    m_lexer->setColor(dark ? QColor(0xc7, 0x92, 0xea) : QColor(0x6f, 0x42, 0xc1), QsciLexerYAML::DocumentDelimiter);
    m_lexer->setColor(dark ? QColor(0xc3, 0xe8, 0x8d) : QColor(0x03, 0x2f, 0x62), QsciLexerYAML::TextBlockMarker);
    m_lexer->setColor(dark ? QColor(0xff, 0x53, 0x70) : QColor(0xd7, 0x3a, 0x49), QsciLexerYAML::SyntaxErrorMarker);
    m_lexer->setColor(dark ? QColor(0x89, 0xdd, 0xff) : QColor(0x00, 0x5c, 0xc5), QsciLexerYAML::Operator);
    setMarginsBackgroundColor(p.color(QPalette::Window));
    setMarginsForegroundColor(p.color(QPalette::PlaceholderText));
    setFoldMarginColors(p.color(QPalette::Window), p.color(QPalette::Window));
    setCaretForegroundColor(p.color(QPalette::Text));
    setCaretLineBackgroundColor(dark ? QColor(0x2a, 0x2d, 0x33) : QColor(0xf3, 0xf6, 0xfa));
    setSelectionBackgroundColor(p.color(QPalette::Highlight));
    setSelectionForegroundColor(p.color(QPalette::HighlightedText));
}

void YamlEditor::changeEvent(QEvent *event)
{
    QsciScintilla::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::ApplicationPaletteChange)
        applyPalette();
}

void YamlEditor::setDiagnostics(const Diagnostics &diagnostics)
{
    m_diagnostics = diagnostics;
    const int lastLine = std::max(0, lines() - 1);
    clearIndicatorRange(0, 0, lastLine, lineLength(lastLine), m_errorIndicator);
    clearIndicatorRange(0, 0, lastLine, lineLength(lastLine), m_warningIndicator);
    markerDeleteAll(kErrorMarker);
    markerDeleteAll(kWarningMarker);
    markerDeleteAll(kFixMarker);
    // A line's text is read once for all its problems: one line of a hostile file may carry
    // 400,000 of them.
    int textLine = -1;
    QString lineText;
    for (qsizetype i = 0; i < std::min<qsizetype>(diagnostics.size(), kMaxMarkedDiagnostics); ++i) {
        const Diagnostic &d = diagnostics[i];
        if (d.line <= 0)
            continue;
        const int line = std::min(d.line - 1, lastLine);
        if (line != textLine) {
            lineText = text(line);
            textLine = line;
        }
        // Underline from the column to the end of the token there (at least one character).
        int from = 0;
        if (d.column > 0)
            from = std::clamp(d.column - 1, 0, int(std::max<qsizetype>(0, lineText.size() - 1)));
        else
            while (from < lineText.size() && lineText[from].isSpace())
                ++from;
        int to = from;
        while (to < lineText.size() && !lineText[to].isSpace())
            ++to;
        if (to == from)
            to = from + 1;
        const bool error = d.severity == Severity::Error;
        fillIndicatorRange(line, from, line, to, error ? m_errorIndicator : m_warningIndicator);
        markerAdd(line, error ? kErrorMarker : kWarningMarker);
        if (!d.fixes.isEmpty())
            markerAdd(line, kFixMarker);
    }
}

QList<Fix> YamlEditor::fixesAt(int line) const
{
    QList<Fix> fixes;
    for (const Diagnostic &d : m_diagnostics)
        if (d.line == line)
            fixes += d.fixes;
    return fixes;
}

bool YamlEditor::hasFixMarker(int line) const
{
    return (const_cast<YamlEditor *>(this)->markersAtLine(line - 1) & (1 << kFixMarker)) != 0;
}

void YamlEditor::applyFix(const Fix &fix)
{
    // Byte positions (Scintilla's, and the columns' unit), last edit first so earlier ones
    // keep their place.
    struct Span {
        long start, end;
        QByteArray text;
    };
    QList<Span> spans;
    for (const TextEdit &e : fix.edits) {
        const auto at = [this](int line, int column) {
            return SendScintilla(SCI_POSITIONFROMLINE, static_cast<unsigned long>(line - 1)) + column - 1;
        };
        spans.push_back({at(e.line, e.column), at(e.endLine, e.endColumn), e.newText.toUtf8()});
    }
    std::sort(spans.begin(), spans.end(), [](const Span &a, const Span &b) { return a.start > b.start; });
    beginUndoAction();
    for (const Span &s : spans) {
        SendScintilla(SCI_SETTARGETRANGE, static_cast<unsigned long>(s.start), s.end);
        SendScintilla(SCI_REPLACETARGET, static_cast<unsigned long>(s.text.size()), s.text.constData());
    }
    endUndoAction();
    // The other fixes' positions refer to the text before this one: none is offered again
    // until the next parse has made them anew.
    for (Diagnostic &d : m_diagnostics)
        d.fixes.clear();
    markerDeleteAll(kFixMarker);
}

QMenu *YamlEditor::showFixesAtCursor()
{
    int line = 0, index = 0;
    getCursorPosition(&line, &index);
    const QList<Fix> fixes = fixesAt(line + 1);
    if (fixes.isEmpty())
        return nullptr;
    const long pos = SendScintilla(SCI_GETCURRENTPOS);
    const QPoint at(int(SendScintilla(SCI_POINTXFROMPOSITION, 0UL, pos)),
                    int(SendScintilla(SCI_POINTYFROMPOSITION, 0UL, pos) +
                        SendScintilla(SCI_TEXTHEIGHT, static_cast<unsigned long>(line))));
    return showFixMenu(fixes, viewport()->mapToGlobal(at));
}

QMenu *YamlEditor::showFixMenu(const QList<Fix> &fixes, const QPoint &globalPos)
{
    delete m_fixMenu;
    m_fixMenu = new QMenu(this);
    m_fixMenu->setAccessibleName(tr("Fixes"));
    for (const Fix &fix : fixes)
        connect(m_fixMenu->addAction(fix.title), &QAction::triggered, this, [this, fix] { applyFix(fix); });
    m_fixMenu->popup(globalPos);
    return m_fixMenu;
}

QString YamlEditor::diagnosticText(int line) const
{
    QStringList parts;
    for (const Diagnostic &d : m_diagnostics)
        if (d.line == line)
            parts << QStringLiteral("%1: %2").arg(d.severityName(), d.message);
    return parts.join(QLatin1Char('\n'));
}

bool YamlEditor::hasIndicatorAt(int line, int column) const
{
    const int pos = int(const_cast<YamlEditor *>(this)->positionFromLineIndex(line - 1, column - 1));
    for (int indicator : {m_errorIndicator, m_warningIndicator}) {
        const long value = const_cast<YamlEditor *>(this)->SendScintilla(SCI_INDICATORVALUEAT, indicator, pos);
        if (value != 0)
            return true;
    }
    return false;
}

void YamlEditor::goTo(int line, int column)
{
    const int l = std::max(0, line - 1);
    setCursorPosition(l, std::max(0, column - 1));
    ensureLineVisible(l);
    setFocus();
}

void YamlEditor::onDwell(int position, int x, int y)
{
    if (position < 0)
        return;
    int line = 0, index = 0;
    lineIndexFromPosition(position, &line, &index);
    const QString text = diagnosticText(line + 1);
    if (!text.isEmpty())
        QToolTip::showText(viewport()->mapToGlobal(QPoint(x, y)), text, this);
}

QStringList YamlEditor::completionsAtCursor() const
{
    int line = 0, index = 0;
    getCursorPosition(&line, &index);
    const QStringList docLines = text().split(QLatin1Char('\n'));
    const YamlCursorContext ctx = yamlContextAt(docLines, line, index);
    QStringList candidates = ctx.atValue ? schemaValues(ctx.path, ctx.key) : schemaKeys(ctx.path, documentType(text()));
    if (!ctx.prefix.isEmpty()) {
        candidates.erase(
            std::remove_if(candidates.begin(), candidates.end(),
                           [&](const QString &c) { return !c.startsWith(ctx.prefix, Qt::CaseInsensitive); }),
            candidates.end());
    }
    return candidates;
}

void YamlEditor::showCompletions()
{
    const QStringList candidates = completionsAtCursor();
    if (!candidates.isEmpty())
        showUserList(kCompletionList, candidates);
}

void YamlEditor::onCompletionChosen(int id, const QString &chosen)
{
    if (id != kCompletionList)
        return;
    int line = 0, index = 0;
    getCursorPosition(&line, &index);
    const QStringList docLines = text().split(QLatin1Char('\n'));
    const YamlCursorContext ctx = yamlContextAt(docLines, line, index);
    // Replace the typed prefix with the choice; keys get their colon.
    setSelection(line, index - int(ctx.prefix.size()), line, index);
    replaceSelectedText(ctx.atValue ? chosen : chosen + QStringLiteral(": "));
}

void YamlEditor::onCharAdded(int ch)
{
    // Offer completions while typing the first letters of a key, or right after "key: ".
    if (isListActive())
        return;
    if (QChar(ch).isLetter() || ch == ' ') {
        int line = 0, index = 0;
        getCursorPosition(&line, &index);
        const QString before = text(line).left(index);
        const YamlCursorContext ctx = yamlContextAt(text().split(QLatin1Char('\n')), line, index);
        const bool typingKey = !ctx.atValue && ctx.prefix.size() == 1 && ch != ' ';
        const bool afterColon = ctx.atValue && before.endsWith(QLatin1String(": "));
        if (typingKey || afterColon)
            showCompletions();
    }
}

bool YamlEditor::event(QEvent *event)
{
    // The main window binds Ctrl+. to Stop Run; while the editor has the focus the key offers
    // the fixes at the cursor instead (taking the shortcut override turns it into a key press).
    if (event->type() == QEvent::ShortcutOverride) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_Period && (key->modifiers() & ~Qt::KeypadModifier) == Qt::ControlModifier) {
            event->accept();
            return true;
        }
    }
    return QsciScintilla::event(event);
}

void YamlEditor::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Space && (event->modifiers() & Qt::ControlModifier)) {
        showCompletions();
        return;
    }
    if (event->key() == Qt::Key_Period && (event->modifiers() & ~Qt::KeypadModifier) == Qt::ControlModifier) {
        showFixesAtCursor();
        return;
    }
    QsciScintilla::keyPressEvent(event);
}

} // namespace gantry::ui
