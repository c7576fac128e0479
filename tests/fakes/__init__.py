"""Local fakes of the chat services' APIs: real HTTP servers that record every call."""
