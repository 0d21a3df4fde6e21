# nbgrader configuration of the course "Kobolds and Coins".
# Written by tools/course.py when missing; edit it freely (the generator keeps it).
# Run every nbgrader command from this folder (course/).
c = get_config()  # noqa: F821

c.CourseDirectory.course_id = "kobolds-and-coins"
# every assignment (one per chapter) re-runs its chapter: allow slow cells
c.Execute.timeout = 600
# The term seed: every student's parameters are drawn from it, the student id and the
# exercise label. Change it (then run `bash tools/assignments.sh` again) to give a whole
# class new numbers. It travels with the assignments in kobold_course.py.
c.KoboldCourse.term_seed = "kobolds-and-coins"
