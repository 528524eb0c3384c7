"""innometrics: open, reproducible innovation measurement.

Composite indices in COINr's vocabulary (denominate, screen, impute, treat, normalise,
aggregate), every step recorded so a changed setting regenerates the result.

>>> import innometrics as im
>>> result = im.build(im.load_recipe("recipe.yaml"))       # doctest: +SKIP
>>> result.ranks["Index"]                                  # doctest: +SKIP
>>> result.write("results")                                # doctest: +SKIP
>>> im.open_run("results").rebuild()                       # doctest: +SKIP
"""

__version__ = "0.1.0"

from .data import Dataset, load_data  # noqa: E402
from .errors import InputError, InvalidParameter  # noqa: E402
from .framework import Framework, Node, load_framework  # noqa: E402
from .recipe import Recipe, load_recipe  # noqa: E402
from .result import IndexResult, PanelResult, build  # noqa: E402
from .runs import Run, open_run, use_recipe_tools  # noqa: E402

# The run layer sits below the recipe, so the package (above both) tells it how to load and
# build a run's recipe.yaml for Run.recipe() and Run.rebuild().
use_recipe_tools(load=load_recipe, build=build)

__all__ = ["Dataset", "Framework", "IndexResult", "PanelResult", "InputError", "InvalidParameter",
           "Node",
           "Recipe", "Run", "build", "load_data", "load_framework", "load_recipe", "open_run",
           "__version__"]
