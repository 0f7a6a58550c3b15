import Testing

@testable import RosterSCIM

@Suite struct SCIMDateTimeTests {
    @Test("the same instant written with an offset, fractional seconds or no zone reads as one instant; seconds may be left out")
    func sameInstant() throws {
        let utc = try #require(SCIMDateTime("2011-05-13T04:42:34Z"))
        #expect(SCIMDateTime("2011-05-13T06:42:34+02:00") == utc)
        #expect(SCIMDateTime("2011-05-12T23:42:34-0500") == utc)
        #expect(SCIMDateTime("2011-05-13T04:42:34.000Z") == utc)
        #expect(SCIMDateTime("2011-05-13T04:42:34") == utc)
        #expect(SCIMDateTime("2011-05-13T04:42Z")?.seconds == utc.seconds - 34)
        #expect(try #require(SCIMDateTime("2011-05-13T04:42:34.0000001Z")) > utc)
        #expect(SCIMDateTime("1970-01-01T00:00:00Z")?.seconds == 0)
        #expect(SCIMDateTime("2000-03-01")?.seconds == 951_868_800)
    }

    @Test("impossible dates and times and other text are not instants", arguments: [
        "", "2011-02-29T00:00:00Z", "2011-13-01T00:00:00Z", "2011-05-13T24:00:00Z", "yesterday",
        "2011-05-13T04:42:34.Z", "2011-05-13T04:42:34+2", "2011-05-13T04:42:34Zjunk", "2011-5-13",
    ])
    func notInstants(_ text: String) {
        #expect(SCIMDateTime(text) == nil)
    }
}
