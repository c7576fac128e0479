"""The dialog engine: channel-neutral conversations driven by `transitions` state machines."""
