"""What a person can ask of the assistant, whatever the channel: the service, the gateway,
commands, views and access, forms, home, sign-off, actions, decisions and agenda editing.

Nothing here imports a chat SDK or Typer."""
