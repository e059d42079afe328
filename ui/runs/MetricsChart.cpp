#include "ui/runs/MetricsChart.h"

#include <QChart>
#include <QChartView>
#include <QDateTimeAxis>
#include <QLabel>
#include <QLineSeries>
#include <QStackedLayout>
#include <QValueAxis>

namespace gantry::ui {

MetricsChart::MetricsChart(QWidget *parent)
    : QWidget(parent)
    , m_chart(new QChart)
    , m_view(new QChartView(m_chart, this))
    , m_cpu(new QLineSeries(m_chart))
    , m_memory(new QLineSeries(m_chart))
    , m_time(new QDateTimeAxis(m_chart))
    , m_percent(new QValueAxis(m_chart))
    , m_empty(new QLabel(tr("No metrics yet: samples appear while the run is active."), this))
{
    m_cpu->setName(tr("CPU %"));
    m_memory->setName(tr("Memory %"));
    m_chart->addSeries(m_cpu);
    m_chart->addSeries(m_memory);
    m_time->setFormat(QStringLiteral("HH:mm:ss"));
    m_time->setTickCount(5);
    m_percent->setRange(0, 100);
    m_percent->setLabelFormat(QStringLiteral("%d%%"));
    m_chart->addAxis(m_time, Qt::AlignBottom);
    m_chart->addAxis(m_percent, Qt::AlignLeft);
    for (QLineSeries *s : {m_cpu, m_memory}) {
        s->attachAxis(m_time);
        s->attachAxis(m_percent);
    }
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_chart->setBackgroundRoundness(0);
    m_view->setRenderHint(QPainter::Antialiasing);
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setForegroundRole(QPalette::PlaceholderText);

    auto *layout = new QStackedLayout(this);
    layout->setStackingMode(QStackedLayout::StackAll);
    layout->addWidget(m_empty);
    layout->addWidget(m_view);
    setMinimumHeight(180);
}

int MetricsChart::pointCount() const
{
    return int(m_cpu->count());
}

void MetricsChart::setSamples(const QList<MetricSample> &samples)
{
    // Follow the palette: QtCharts does not by itself.
    const QPalette p = palette();
    m_chart->setBackgroundBrush(p.color(QPalette::Base));
    m_chart->legend()->setLabelColor(p.color(QPalette::Text));
    for (QAbstractAxis *axis : {static_cast<QAbstractAxis *>(m_time), static_cast<QAbstractAxis *>(m_percent)}) {
        axis->setLabelsColor(p.color(QPalette::Text));
        axis->setGridLineColor(p.color(QPalette::Mid));
    }

    int gpus = 0;
    for (const MetricSample &s : samples)
        gpus = std::max(gpus, int(s.gpuUtilPercent.size()));
    while (m_gpuUtil.size() < gpus) {
        const int n = int(m_gpuUtil.size());
        auto *util = new QLineSeries(m_chart);
        util->setName(tr("GPU%1 util %").arg(n));
        auto *mem = new QLineSeries(m_chart);
        mem->setName(tr("GPU%1 memory %").arg(n));
        for (QLineSeries *s : {util, mem}) {
            m_chart->addSeries(s);
            s->attachAxis(m_time);
            s->attachAxis(m_percent);
        }
        m_gpuUtil << util;
        m_gpuMemory << mem;
    }

    QList<QPointF> cpu, memory;
    QList<QList<QPointF>> gpuUtil(gpus), gpuMemory(gpus);
    for (const MetricSample &s : samples) {
        const qreal x = qreal(s.at.toMSecsSinceEpoch());
        cpu << QPointF(x, s.cpuPercent);
        memory << QPointF(x, s.memoryTotalBytes > 0 ? 100.0 * s.memoryBytes / s.memoryTotalBytes : 0);
        for (int g = 0; g < s.gpuUtilPercent.size(); ++g) {
            gpuUtil[g] << QPointF(x, s.gpuUtilPercent[g]);
            const double total = s.gpuMemoryTotalBytes.value(g);
            gpuMemory[g] << QPointF(x, total > 0 ? 100.0 * s.gpuMemoryBytes.value(g) / total : 0);
        }
    }
    m_cpu->replace(cpu);
    m_memory->replace(memory);
    for (int g = 0; g < gpus; ++g) {
        m_gpuUtil[g]->replace(gpuUtil[g]);
        m_gpuMemory[g]->replace(gpuMemory[g]);
    }
    if (!samples.isEmpty()) {
        QDateTime first = samples.first().at, last = samples.last().at;
        if (first.secsTo(last) < 60)
            first = last.addSecs(-60);
        m_time->setRange(first.toLocalTime(), last.toLocalTime());
    }
    m_empty->setVisible(samples.isEmpty());
    m_view->setVisible(!samples.isEmpty());
}

} // namespace gantry::ui
