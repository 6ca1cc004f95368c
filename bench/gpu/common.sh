# Sourced by step-a.sh, step-b.sh and step-c.sh, from the repository root on the GPU machine.
# KIT_HOME (where the kit unpacks) and TORCH_PYTHON can be overridden; TORCH_DIR, TORCH_VERSION_ID and
# TORCH_FLAVOR too, to rehearse on a CPU machine with a PyTorch wheel's libtorch.
K=$(pwd)/build/gpu-kit
R=${KIT_HOME:-/root/aelab-gpu-kit}
TORCH_PYTHON=${TORCH_PYTHON:-/opt/torch/.venv/bin/python3}
if [ -z "${TORCH_DIR:-}" ]; then
  TORCH_DIR=$($TORCH_PYTHON -c "import torch, os; print(os.path.dirname(torch.__file__))")
  TORCH_VERSION_ID=$($TORCH_PYTHON -c "import torch; print(torch.__version__.split('+')[0])")
  TORCH_FLAVOR=$($TORCH_PYTHON -c "import torch; print('cu' + torch.version.cuda.replace('.', '') if torch.version.cuda else 'cpu')")
fi
# DJL loads this libtorch instead of its own, and finds the bridge built for it in its cache.
export PYTORCH_LIBRARY_PATH=$TORCH_DIR/lib PYTORCH_VERSION=$TORCH_VERSION_ID PYTORCH_FLAVOR=$TORCH_FLAVOR
export DJL_CACHE_DIR=$R/djl-cache
JNI_SO=$DJL_CACHE_DIR/pytorch/$TORCH_VERSION_ID-$TORCH_FLAVOR-linux-x86_64/0.36.0-libdjl_torch.so
# DJL counts GPUs through cudart (JNA): the toolkit's, else the one PyTorch's wheels bring.
CUDART_DIR=/usr/local/cuda/lib64
[ -d $CUDART_DIR ] || CUDART_DIR=$(dirname "$(find "$TORCH_DIR/.." -name 'libcudart.so*' 2>/dev/null | head -1)")
export JAVA_TOOL_OPTIONS="-Djna.library.path=$CUDART_DIR"
export JAVA_HOME=$R/jre0 PATH=$R/jre0/bin:$PATH
export JUPYTER_PATH=$R/jupyter
export AELAB_FASHION_MNIST_DIR=$K/c
PYK="$R/pykit/py/bin/python3.11 -s"
# For the kernel (through the Python that starts it) and java only: libffi for Python's ctypes, and
# what Java draws text with. Exported to every command, Debian's libraries crash the image's own tools.
KERNEL_LIBS=$R/f/lib:$R/pykit/py/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
mkdir -p "$R" && cat > "$R/fonts.conf" <<XML
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>$R/f/fonts</dir><cachedir>/tmp/fontconfig-cache</cachedir></fontconfig>
XML
export FONTCONFIG_FILE=$R/fonts.conf
echo "torch $TORCH_VERSION_ID ($TORCH_FLAVOR) at $TORCH_DIR; cudart from $CUDART_DIR; kit in $R"
