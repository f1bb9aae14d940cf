import ChungTayBatchInput
import ChungTayRules
import Foundation
import Testing

@Suite("RecordReader: CSV")
struct CSVReaderTests {
    @Test("a BOM is skipped, the header is line 1, cells kept as written, empty cells left out")
    func bomAndBasics() throws {
        let files = try TestFiles()
        let path = try files.write(
            "households.csv", bytes: [0xEF, 0xBB, 0xBF] + Array("householdCode,headName,members\nTL-1, Nguyễn Văn A ,4\nTL-2,,3\n".utf8))
        let reader = try RecordReader(path: path)
        #expect(reader.header == ["householdCode", "headName", "members"])
        #expect(reader.format == .csv)
        let records = try readAll(path)
        #expect(records.map(\.line) == [2, 3])
        #expect(records.map(\.file) == ["households.csv", "households.csv"])
        #expect(records[0].record.summary == ["householdCode=TL-1", "headName= Nguyễn Văn A ", "members=4"])
        #expect(records[1].record.summary == ["householdCode=TL-2", "members=3"])
        #expect(records.allSatisfy { $0.inputError == nil })
    }

    @Test("quoted cells hold commas, doubled quotes and line breaks; line numbers count them")
    func quoting() throws {
        let files = try TestFiles()
        let text = [
            "code,name,note\r\n",
            "A,\"Lê, Thị B\",\"say \"\"hi\"\"\"\r\n",
            "B,\"two\r\nlines\",x\r\n",
            "\r\n",
            "C,\"three\nline\ncell\",\"\"\r\n",
            "D,e,f",
        ].joined()
        let path = try files.write("h.csv", text)
        let records = try readAll(path)
        #expect(records.map(\.line) == [2, 3, 6, 9])
        #expect(records[0].record.summary == ["code=A", "name=Lê, Thị B", "note=say \"hi\""])
        #expect(records[1].record.summary == ["code=B", "name=two\r\nlines", "note=x"])
        #expect(records[2].record.summary == ["code=C", "name=three\nline\ncell"])
        #expect(records[3].record.summary == ["code=D", "name=e", "note=f"])
        #expect(records.allSatisfy { $0.inputError == nil })
    }

    @Test("a row with the wrong cell count names the first extra or first missing cell")
    func wrongCellCount() throws {
        let files = try TestFiles()
        let path = try files.write("h.csv", "a,b,c\n1,2,3,4\n1,2\n1,2,3\n")
        let records = try readAll(path)
        #expect(records.count == 3)
        #expect(records[0].inputError == InputError(column: 4, message: "row has 4 cells, the header 3"))
        #expect(records[0].record.summary == ["a=1", "b=2", "c=3"])
        #expect(records[1].inputError == InputError(column: 3, field: "c", message: "row has 2 cells, the header 3"))
        #expect(records[1].record.summary == ["a=1", "b=2"])
        #expect(records[2].inputError == nil)
        #expect(records[1].errorDescription == "h.csv:3:3: row has 2 cells, the header 3")
    }

    @Test("broken quoting is reported and reading goes on")
    func brokenQuoting() throws {
        let files = try TestFiles()
        let text = "a,b,c\n1,\"x\"y,3\n1,x\"y,3\n1,\"open,3\n4,5,6\n7,\"8\",9\n"
        let path = try files.write("h.csv", text)
        let records = try readAll(path)
        #expect(records.map(\.line) == [2, 3, 4, 5, 6])
        // Text after a closing quote: that cell left out, the rest read.
        #expect(records[0].inputError?.column == 2)
        #expect(records[0].inputError?.field == "b")
        #expect(records[0].record.summary == ["a=1", "c=3"])
        // A quote inside an unquoted cell: kept as written, reported.
        #expect(records[1].inputError?.column == 2)
        #expect(records[1].record.summary == ["a=1", "b=x\"y", "c=3"])
        // An unclosed quote: the record ends at its line, the next lines are read normally.
        #expect(records[2].inputError?.column == 2)
        #expect(records[2].inputError?.message.contains("not closed") == true)
        #expect(records[2].record.summary == ["a=1"])
        #expect(records[3].record.summary == ["a=4", "b=5", "c=6"])
        #expect(records[3].inputError == nil)
        #expect(records[4].record.summary == ["a=7", "b=8", "c=9"])
    }

    @Test("an unclosed quote on the last line ends the file with an error")
    func unclosedAtEnd() throws {
        let files = try TestFiles()
        let path = try files.write("h.csv", "a,b\n1,2\n3,\"4")
        let records = try readAll(path)
        #expect(records.count == 2)
        #expect(records[1].line == 3)
        #expect(records[1].inputError?.column == 2)
        #expect(records[1].record.summary == ["a=3"])
    }

    @Test("invalid UTF-8 leaves the cell out and is reported")
    func invalidUTF8() throws {
        let files = try TestFiles()
        let bytes = Array("a,b\n1,".utf8) + [0xC3, 0x28] + Array("\n2,ok\n".utf8)
        let path = try files.write("h.csv", bytes: bytes)
        let records = try readAll(path)
        #expect(records.count == 2)
        #expect(records[0].inputError == InputError(column: 2, field: "b", message: "invalid UTF-8 in the cell"))
        #expect(records[0].record.summary == ["a=1"])
        #expect(records[1].inputError == nil)
    }

    @Test("an unreadable header refuses the file; an empty file has no records")
    func header() throws {
        let files = try TestFiles()
        let bad = try files.write("bad.csv", "a,\"b\nc\n")
        #expect(throws: BatchInputError.self) { try RecordReader(path: bad) }
        let empty = try files.write("empty.csv", "")
        #expect(try readAll(empty).isEmpty)
        let headerOnly = try files.write("header.csv", "a,b\r\n")
        #expect(try readAll(headerOnly).isEmpty)
        #expect(throws: BatchInputError.unknownFormat(path: files.path("x.txt"))) {
            try RecordReader(path: files.path("x.txt"))
        }
    }

    @Test("text is in NFC whatever form the file used")
    func nfc() throws {
        let files = try TestFiles()
        let decomposed = "Nguye\u{302}\u{303}n"
        let path = try files.write("h.csv", "name\n\(decomposed)\n")
        let records = try readAll(path)
        #expect(records[0].record["name"] == .string("Nguyễn"))
        #expect(records[0].record.string("name")?.unicodeScalars.count == 6)
    }

    @Test("a record longer than the limit is reported and skipped; small buffers read the same")
    func longRecordAndSmallBuffers() throws {
        let files = try TestFiles()
        let long = String(repeating: "x", count: 300)
        let text = "a,b\n1,2\n3,\(long)\n\"q\nq\",\"\(long)\n5,6\n7,8\n"
        let path = try files.write("h.csv", text)
        let records = try readAll(path, maximumRecordBytes: 100, bufferSize: 64)
        #expect(records.map(\.line) == [2, 3, 4, 5, 6, 7])
        #expect(records[1].inputError?.message.contains("longer than 100 bytes") == true)
        #expect(records[1].inputError?.column == 2)
        #expect(records[1].record.summary == [])
        #expect(records[2].inputError != nil)
        #expect(records[3].inputError != nil)  // the rest of the broken line: `q","xxx…`
        #expect(records[4].record.summary == ["a=5", "b=6"])
        #expect(records[5].record.summary == ["a=7", "b=8"])
        let normal = try readAll(path)
        // Without the limit, the second quoted cell of line 4 (after the well-formed
        // "q\nq") is the one never closed: reading resumes after its first line break.
        #expect(normal.map(\.line) == [2, 3, 4, 6, 7])
        #expect(normal[1].inputError == nil)
        #expect(normal[2].inputError?.column == 2)
        #expect(normal[2].inputError?.message.contains("not closed") == true)
        #expect(normal[2].record.summary == ["a=q\nq"])
        #expect(normal[3].record.summary == ["a=5", "b=6"])
    }

    @Test("records read back by offset equal the streamed ones")
    func rereadByOffset() throws {
        let files = try TestFiles()
        let text = "a,b\n1,\"x\ny\"\n\n2,\"z\"w\n3,4,5\n6,7"
        let path = try files.write("h.csv", text)
        let streamed = try readAll(path, bufferSize: 64)
        let reader = try RecordReader(path: path, bufferSize: 64)
        for record in streamed.reversed() {
            #expect(try reader.record(at: record.offset, line: record.line) == record)
        }
        #expect(throws: BatchInputError.self) { try reader.record(at: 10_000, line: 1) }
    }
}

@Suite("RecordReader: JSON Lines")
struct JSONLinesReaderTests {
    @Test("objects are read as given; blank lines skipped; bad lines reported with their byte column")
    func jsonLines() throws {
        let files = try TestFiles()
        let text = """
            {"householdCode":"TL-1","members":4}

               \t
            {"householdCode":"TL-2",}\r
            [1,2]
              "text"
            {"termAdjustments":[{"dueOn":"2025-01-01"}],"x":null}
            """
        let path = try files.write("loans.jsonl", text)
        let records = try readAll(path)
        #expect(records.map(\.line) == [1, 4, 5, 6, 7])
        #expect(records[0].record.summary == ["householdCode=TL-1", "members=4"])
        #expect(records[0].inputError == nil)
        #expect(records[1].inputError?.column == 25)
        #expect(records[1].inputError?.message.hasPrefix("not valid JSON") == true)
        #expect(records[1].record.members.isEmpty)
        #expect(records[2].inputError == InputError(column: 1, message: "the line is an array, not a JSON object"))
        #expect(records[3].inputError?.column == 3)
        #expect(records[4].inputError == nil)
        #expect(records[4].record.members.map(\.key) == ["termAdjustments", "x"])
    }

    @Test("invalid UTF-8 in a line is an input error; .ndjson and .json read as JSON Lines")
    func invalidUTF8() throws {
        let files = try TestFiles()
        let bytes = Array("{\"a\":\"".utf8) + [0xFF] + Array("\"}\n{\"a\":1}".utf8)
        for name in ["x.ndjson", "x.json", "x.JSONL"] {
            let path = try files.write(name, bytes: bytes)
            let records = try readAll(path)
            #expect(records.count == 2)
            #expect(records[0].inputError?.column == 7)
            #expect(records[1].record["a"] == 1)
        }
    }

    @Test("a line longer than the limit is reported and skipped")
    func longLine() throws {
        let files = try TestFiles()
        let text = "{\"a\":1}\n{\"b\":\"\(String(repeating: "y", count: 500))\"}\n{\"c\":3}\n"
        let path = try files.write("x.jsonl", text)
        let records = try readAll(path, maximumRecordBytes: 100, bufferSize: 64)
        #expect(records.map(\.line) == [1, 2, 3])
        #expect(records[1].inputError == InputError(column: 101, message: "line longer than 100 bytes"))
        #expect(records[2].record["c"] == 3)
        let reader = try RecordReader(path: path, bufferSize: 64)
        for record in try readAll(path) {
            #expect(try reader.record(at: record.offset, line: record.line) == record)
        }
    }

    @Test("no input crashes the reader")
    func arbitraryBytes() throws {
        let files = try TestFiles()
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = Array("\"\",\r\n{}[]:ab \\".utf8) + [0xC3, 0xA9, 0xFF, 0x00]
        for round in 0..<200 {
            let bytes = (0..<Int.random(in: 0...300, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            for name in ["r\(round).csv", "r\(round).jsonl"] {
                let path = try files.write(name, bytes: Array("a,b\n".utf8) + bytes)
                let records = try readAll(path, maximumRecordBytes: 40, bufferSize: 16)
                let reader = try RecordReader(path: path, maximumRecordBytes: 40, bufferSize: 16)
                for record in records {
                    #expect(try reader.record(at: record.offset, line: record.line) == record)
                }
            }
        }
    }
}
