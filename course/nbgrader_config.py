# nbgrader configuration of the course "Kobolds and Coins".
# Written by tools/course.py when missing; edit it freely (the generator keeps it).
# Run every nbgrader command from this folder (course/).
c = get_config()  # noqa: F821

c.CourseDirectory.course_id = "kobolds-and-coins"
# every assignment (one per chapter) re-runs its chapter: allow slow cells (a busy machine
# made one cell of phase_diagrams take over ten minutes)
c.Execute.timeout = 1800
# The term seed: every student's parameters are drawn from it, the student id and the
# exercise label. Change it (then run `bash tools/assignments.sh` again) to give a whole
# class new numbers. It travels with the assignments in kobold_course.py.
c.KoboldCourse.term_seed = "kobolds-and-coins"
# `nbgrader autograde` runs each submission with no browser: it leaves the chapters' widget
# cells (`kl.live_figure` or `interact`, tagged nbval-ignore-output as in the book) out of
# the copy it runs.
# They define nothing the exercises use, and the notebook runner was seen to hang on them
# on a busy machine, waiting for a widget message that never came.
from nbconvert.preprocessors import Preprocessor  # noqa: E402
from nbgrader.preprocessors import (  # noqa: E402
    CheckCellMetadata, ClearOutput, DeduplicateIds, OverwriteCells, OverwriteKernelspec)


class DropWidgetCells(Preprocessor):
    """Leave the interactive widget cells out of the copy that nbgrader autograde runs."""

    def __call__(self, nb, resources):  # always on (nbconvert's preprocessors start disabled)
        return self.preprocess(nb, resources)

    def preprocess(self, nb, resources):
        nb.cells = [cell for cell in nb.cells if not (
            cell.cell_type == "code" and "nbval-ignore-output" in cell.metadata.get("tags", [])
            and ("live_figure" in cell.source or "interact" in cell.source)
            and "nbgrader" not in cell.metadata)]
        return nb, resources


c.Autograde.sanitize_preprocessors = [
    ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, DropWidgetCells, CheckCellMetadata]
# `nbgrader zip_collect <chapter>`: how to read the student id and the notebook from the
# names of files downloaded from a learning platform, e.g. "ada_1234_bellman.ipynb" or
# "ada_bellman.ipynb" (the id is what comes before the first underscore; adapt to yours)
c.ZipCollectApp.collector_plugin = "nbgrader.plugins.zipcollect.FileNameCollectorPlugin"
c.FileNameCollectorPlugin.named_regexp = (
    r".*/(?P<student_id>[^/_]+)_(?:[^/]*_)?(?P<file_id>(?:coins_and_entropy|temperature_as_price|arbitrage_and_carnot|exact_engine|ising_models|glauber_dynamics|bellman|policy_matrix|value_landscape|phase_diagrams|learning_kobold|kobolds_at_scale|what_the_kobold_knows)[.]ipynb)$"
)
