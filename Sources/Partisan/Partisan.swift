@_exported import PartisanCore
@_exported import PartisanDistribution
