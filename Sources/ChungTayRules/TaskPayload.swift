import ChungTayCoding

/// Reading a single-record task payload: anything that leaves no record or no date to
/// judge it by is a `payload_invalid` rejection; everything inside the record is left
/// to the record checks.
struct TaskPayload {
    let object: JSONObject
    let asOf: CivilDate

    init(_ payload: ParsedPayload) throws(TaskRejection) {
        let object = payload.object
        guard case .string(let text)? = object["asOf"] else { throw .payloadInvalid("payload lacks asOf (YYYY-MM-DD)") }
        guard let asOf = CivilDate(iso: text) else { throw .payloadInvalid("asOf \"\(text)\" is not a YYYY-MM-DD date") }
        self.object = object
        self.asOf = asOf
    }

    func requiredObject(_ key: String) throws(TaskRejection) -> JSONObject {
        guard case .object(let record)? = object[key] else { throw .payloadInvalid("payload lacks the \(key) object") }
        return record
    }

    /// An object or null.
    func optionalObject(_ key: String) throws(TaskRejection) -> JSONObject? {
        switch object[key] {
        case nil, .null?: return nil
        case .object(let record)?: return record
        default: throw .payloadInvalid("\(key) must be an object or null")
        }
    }

    func objects(_ key: String) throws(TaskRejection) -> [JSONObject] {
        switch object[key] {
        case nil, .null?:
            return []
        case .array(let elements)?:
            var objects: [JSONObject] = []
            for element in elements {
                guard case .object(let record) = element else { throw .payloadInvalid("\(key) must hold only objects") }
                objects.append(record)
            }
            return objects
        default:
            throw .payloadInvalid("\(key) must be an array of objects")
        }
    }

    func bool(_ key: String) throws(TaskRejection) -> Bool? {
        switch object[key] {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag
        default: throw .payloadInvalid("\(key) must be true, false or null")
        }
    }

    func string(_ key: String) throws(TaskRejection) -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw .payloadInvalid("\(key) must be a string or null")
        }
    }

    func count(_ key: String) throws(TaskRejection) -> Int? {
        switch object[key] {
        case nil, .null?: return nil
        case .number(let number)? where number.integerValue.map { $0 >= 0 } == true: return number.integerValue
        default: throw .payloadInvalid("\(key) must be a whole number of days, at least 0")
        }
    }
}
