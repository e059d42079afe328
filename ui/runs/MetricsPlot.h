#pragma once

// The contract between the Metrics tab (MetricsChart, in gantry_ui) and the QtCharts plot
// that draws it, which lives in a module of its own (charts/, libgantry_charts.so) loaded the
// first time a run's metrics are shown: QtCharts and the OpenGL libraries it pulls in are then
// not loaded and linked at every start (issue 14: ~7,500 symbol bindings, ~2 MB resident).

#include "core/backends/Backend.h"

#include <QList>

class QWidget;

namespace gantry::ui {

class MetricsPlot
{
public:
    virtual ~MetricsPlot() = default;
    virtual QWidget *widget() = 0;
    virtual void setSamples(const QList<MetricSample> &samples) = 0;
};

} // namespace gantry::ui

// The one symbol the module exports: a new plot, a child of parent.
extern "C" {
using GantryMakeMetricsPlot = gantry::ui::MetricsPlot *(*)(QWidget *parent);
}
#define GANTRY_MAKE_METRICS_PLOT "gantry_make_metrics_plot"
