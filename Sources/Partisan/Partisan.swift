@_exported import PartisanCore
