"""An aiosmtpd handler for the mail throughput benchmark: it stores every message as one file
under DIR/new, the layout the tests read, but without the fsync that aiosmtpd's Mailbox does for
each message. Mailbox's fsync bounds a local server at about 110 messages/s on this machine, well
under what the dispatcher is asked to reach; this store lets the benchmark measure the sender.

usage: python3 -m aiosmtpd -n -l HOST:PORT -c smtp_store_unsynced.UnsyncedStore DIR
"""
import itertools
import os


class UnsyncedStore:
    def __init__(self, directory):
        self.new = os.path.join(directory, "new")
        os.makedirs(self.new, exist_ok=True)
        self.numbers = itertools.count()

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("UnsyncedStore needs the folder to store into")
        return cls(args[0])

    async def handle_DATA(self, server, session, envelope):
        name = "%d.%08d.eml" % (os.getpid(), next(self.numbers))
        with open(os.path.join(self.new, name), "wb") as f:
            f.write(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"
