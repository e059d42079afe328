#include "ui/runs/MetricsChart.h"
#include "ui/runs/MetricsPlot.h"

#include "core/common/GantryModule.h"

#include <QLabel>
#include <QStackedLayout>

namespace gantry::ui {

MetricsChart::MetricsChart(QWidget *parent)
    : QWidget(parent)
    , m_empty(new QLabel(tr("No metrics yet: samples appear while the run is active."), this))
{
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_empty->setWordWrap(true);
    auto *layout = new QStackedLayout(this);
    layout->setStackingMode(QStackedLayout::StackAll);
    layout->addWidget(m_empty);
    setMinimumHeight(180);
}

MetricsChart::~MetricsChart() = default;

QString MetricsChart::problem() const
{
    return m_triedLoading && !m_plot ? m_empty->text() : QString();
}

void MetricsChart::showEvent(QShowEvent *event)
{
    loadPlot();
    QWidget::showEvent(event);
}

void MetricsChart::loadPlot()
{
    if (m_triedLoading)
        return;
    m_triedLoading = true;
    QString problem;
    const auto make = reinterpret_cast<GantryMakeMetricsPlot>(
        gantryModuleSymbol(QStringLiteral("libgantry_charts.so"), GANTRY_MAKE_METRICS_PLOT, &problem));
    if (!make) {
        m_empty->setText(tr("The metrics chart cannot be shown. %1.").arg(problem));
        return;
    }
    m_plot = make(this);
    static_cast<QStackedLayout *>(layout())->addWidget(m_plot->widget());
    showSamples();
}

void MetricsChart::setSamples(const QList<MetricSample> &samples)
{
    m_samples = samples;
    showSamples();
}

void MetricsChart::showSamples()
{
    if (m_plot) {
        m_plot->setSamples(m_samples);
        m_plot->widget()->setVisible(!m_samples.isEmpty());
        m_empty->setVisible(m_samples.isEmpty());
    } else {
        m_empty->setVisible(true);
    }
}

} // namespace gantry::ui
