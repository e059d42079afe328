#pragma once

// An offer is one place a run could go: a backend/region/instance with its resources and price.
// Field names follow dstack's InstanceOfferWithAvailability so that both backends fill the same type.

#include <QList>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

namespace gantry {

struct GpuInfo {
    QString name;
    int memoryMib = 0;
    QString vendor;
};

struct InstanceResources {
    int cpus = 0;
    QString cpuArch; // x86, arm
    qint64 memoryMib = 0;
    QList<GpuInfo> gpus;
    bool spot = false;
    qint64 diskMib = 0; // 0 = unknown. The disk's size, as dstack's SSH-fleet hosts report it
    qint64 diskFreeMib = -1; // local offers: free space on that disk, shown beside it; -1 = not told
    QString description;
};

struct Offer {
    QString backend; // local, aws, gcp, ... (dstack ids; "remote" is shown as "ssh")
    QString region;
    QString instanceName;
    InstanceResources resources;
    double price = 0.0; // $/hour
    QString availability = QStringLiteral("available"); // dstack's availability literals
    QStringList availabilityZones;
    int blocks = 1;
    int totalBlocks = 1;

    // dstack's CLI rendering: "cpu=x86:4 mem=16GB disk=100GB gpu=A10G:24GB:1 (spot)".
    QString resourcesText() const;
    // "$0.2853", "$0.69", "$1": 4 decimals, trailing zeros removed.
    static QString formatPrice(double price);

    nlohmann::json toJson() const; // dstack's offer shape
    static Offer fromJson(const nlohmann::json &j); // tolerant: unknown keys ignored
};

// The result of planning a configuration on one backend.
struct Plan {
    QString backend;
    QString project;
    QString user;
    QList<std::pair<QString, QString>> header; // dstack's plan header rows, in order
    QList<Offer> offers;
    int totalOffers = 0;
    double maxPrice = 0.0;
    QString noOffersReason; // when offers is empty: which requirement failed, and how to fix it
    QString error; // planning itself failed (unreachable server, invalid config…)
    nlohmann::json raw; // backend-specific data needed to apply (e.g. dstack's run_spec)
};

} // namespace gantry
