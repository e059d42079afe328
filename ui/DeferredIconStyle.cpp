#include "ui/DeferredIconStyle.h"

#include <QApplication>
#include <QIconEngine>
#include <QPainter>
#include <QPointer>
#include <QStyleOption>
#include <QWidget>

#include <optional>

namespace gantry::ui {

namespace {

// Asks the style for the real icon the first time anything needs its pixels or sizes.
class DeferredIconEngine : public QIconEngine
{
public:
    DeferredIconEngine(QStyle *style, QStyle::StandardPixmap which, const QStyleOption *option, const QWidget *widget)
        : m_style(style)
        , m_which(which)
        , m_widget(const_cast<QWidget *>(widget))
    {
        // What every option has (direction, palette, state), kept as a plain QStyleOption: the
        // caller's subclass is gone by then, and a style casts by the type it is told.
        if (option) {
            m_option.emplace(*option);
            m_option->type = QStyleOption::SO_Default;
            m_option->version = QStyleOption::Version;
            m_option->styleObject = nullptr; // a plain pointer that may not live that long
        }
    }

    void paint(QPainter *painter, const QRect &rect, QIcon::Mode mode, QIcon::State state) override
    {
        real().paint(painter, rect, Qt::AlignCenter, mode, state);
    }
    QPixmap pixmap(const QSize &size, QIcon::Mode mode, QIcon::State state) override
    {
        return real().pixmap(size, mode, state);
    }
    // `size` is in device pixels here; QIcon::pixmap takes it in logical ones.
    QPixmap scaledPixmap(const QSize &size, QIcon::Mode mode, QIcon::State state, qreal scale) override
    {
        return real().pixmap((QSizeF(size) / scale).toSize(), scale, mode, state);
    }
    QSize actualSize(const QSize &size, QIcon::Mode mode, QIcon::State state) override
    {
        return real().actualSize(size, mode, state);
    }
    QList<QSize> availableSizes(QIcon::Mode mode, QIcon::State state) override
    {
        return real().availableSizes(mode, state);
    }
    // A standard icon is never null; saying so must not decode it.
    bool isNull() override { return !m_style && m_icon.isNull(); }
    QString key() const override { return QStringLiteral("gantry-deferred"); }
    QIconEngine *clone() const override
    {
        auto *copy = new DeferredIconEngine(m_style.data(), m_which, m_option ? &*m_option : nullptr, m_widget.data());
        copy->m_icon = m_icon;
        copy->m_resolved = m_resolved;
        return copy;
    }

private:
    QIcon real()
    {
        if (!m_resolved && m_style) {
            m_icon = m_style->standardIcon(m_which, m_option ? &*m_option : nullptr, m_widget);
            m_resolved = true;
        }
        return m_icon;
    }

    QPointer<QStyle> m_style;
    QStyle::StandardPixmap m_which;
    std::optional<QStyleOption> m_option;
    QPointer<QWidget> m_widget; // the widget that asked, while it lives (a style may look at it)
    QIcon m_icon;
    bool m_resolved = false;
};

} // namespace

DeferredIconStyle::DeferredIconStyle(const QString &key)
    : QProxyStyle(key)
{}

QIcon DeferredIconStyle::standardIcon(StandardPixmap icon, const QStyleOption *option, const QWidget *widget) const
{
    return QIcon(new DeferredIconEngine(baseStyle(), icon, option, widget));
}

void useDeferredIconStyle()
{
    QApplication::setStyle(new DeferredIconStyle(QApplication::style()->name()));
}

} // namespace gantry::ui
