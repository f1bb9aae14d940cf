public import ChungTayCoding

extension CivilDate {
    /// The day of an Excel date serial, its time of day dropped.
    ///
    /// In the 1900 system serial 1 is 1900-01-01 and serial 60 is 29 February 1900, a day
    /// that never was (Lotus 1-2-3's leap-year mistake, kept by Excel): it is nil here, as
    /// are serials before day 1 (day 0 is Excel's "1900-01-00"); serials from 61 on count
    /// from 1899-12-30. In the 1904 system serial 0 is 1904-01-01. Nil also for a serial
    /// that is not finite or falls after 9999-12-31.
    public init?(excelSerial serial: Double, usesDate1904: Bool) {
        guard serial.isFinite, serial >= 0, serial < 3_000_000 else { return nil }
        let day = Int(serial.rounded(.down))
        // Day numbers (days since 1970-01-01) of the epochs.
        let dayNumber: Int
        if usesDate1904 {
            dayNumber = -24_107 + day  // 1904-01-01
        } else if day >= 61 {
            dayNumber = -25_569 + day  // 1899-12-30
        } else if day >= 1 && day < 60 {
            dayNumber = -25_568 + day  // 1899-12-31
        } else {
            return nil
        }
        let date = CivilDate(dayNumber: dayNumber)
        guard date.year <= 9999 else { return nil }
        self = date
    }
}
