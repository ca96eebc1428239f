import sys
from pathlib import Path

from invoice_stack.collections.convert import write_bruno

write_bruno(Path(sys.argv[1]), Path(sys.argv[2]))
