#pragma once

// A tab page that builds its panel the first time it is shown or asked for. The first frame
// then pays only for what it shows (issue 14: a start near a bare Qt window); a panel nobody
// opens costs nothing. Wiring that needs the panel goes in the builder or on `built`.

#include <QWidget>

#include <functional>

namespace gantry::ui {

class LazyPage : public QWidget
{
    Q_OBJECT
public:
    using Builder = std::function<QWidget *(QWidget *parent)>;
    explicit LazyPage(Builder build, QWidget *parent = nullptr);

    // The panel, built now if it was not yet.
    QWidget *panel();
    // The panel, or nullptr while it has not been built.
    QWidget *builtPanel() const { return m_panel; }
    template <class Panel>
    Panel *panelAs()
    {
        return static_cast<Panel *>(panel());
    }
    template <class Panel>
    Panel *builtPanelAs() const
    {
        return static_cast<Panel *>(m_panel);
    }

Q_SIGNALS:
    void built(QWidget *panel);

protected:
    void showEvent(QShowEvent *event) override;

private:
    Builder m_build;
    QWidget *m_panel = nullptr;
};

} // namespace gantry::ui
