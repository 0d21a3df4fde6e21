/* Live figures of the HTML book (kobold_lib.figures.live).
 *
 * Each notebook cell made with kl.live_figure(...) leaves in the page a block
 *   <div class="kobold-live">
 *     <script type="application/json" class="kobold-live-data">{payload}</script>
 *     <div class="kobold-live-controls"></div> <img class="kobold-live-image"> <pre class="kobold-live-text">
 *   </div>
 * whose payload holds, for every point of the control grid, the figure (a PNG) and the
 * printed text, drawn when the notebook was executed. This script builds one control per
 * parameter (a range input on the grid's indices, or a <select> for a dropdown), shows the
 * value beside it, and swaps the image and the text for the current values.
 * No network, no kernel. Frames are in row-major order (the last control varies fastest).
 */
(function () {
  "use strict";

  function frameIndex(controls, positions) {
    var index = 0;
    for (var i = 0; i < controls.length; i++) {
      index = index * controls[i].labels.length + positions[i];
    }
    return index;
  }

  function build(block) {
    if (block.getAttribute("data-kobold-live-ready")) return;
    var dataNode = block.querySelector("script.kobold-live-data");
    if (!dataNode) return;
    var data = JSON.parse(dataNode.textContent);
    var controls = data.controls;
    var positions = controls.map(function (c) { return c.default; });
    var panel = block.querySelector(".kobold-live-controls");
    var image = block.querySelector("img.kobold-live-image");
    var text = block.querySelector("pre.kobold-live-text");
    var readouts = [];

    function show() {
      var frame = data.frames[frameIndex(controls, positions)];
      if (image) {
        if (frame[0] >= 0) {
          image.src = "data:image/png;base64," + data.images[frame[0]];
          image.style.display = "";
        } else {
          image.style.display = "none";
        }
      }
      if (text) text.textContent = frame[1];
      for (var i = 0; i < controls.length; i++) {
        readouts[i].textContent = controls[i].labels[positions[i]];
      }
    }

    controls.forEach(function (control, i) {
      var row = document.createElement("div");
      row.className = "kobold-live-control";
      var id = "kobold-live-" + Math.random().toString(36).slice(2) + "-" + control.name;
      var label = document.createElement("label");
      label.textContent = control.description;
      label.htmlFor = id;
      var input;
      if (control.kind === "select") {
        input = document.createElement("select");
        control.labels.forEach(function (text, k) {
          var option = document.createElement("option");
          option.value = String(k);
          option.textContent = text;
          input.appendChild(option);
        });
      } else {
        input = document.createElement("input");
        input.type = "range";
        input.min = "0";
        input.max = String(control.labels.length - 1);
        input.step = "1";
      }
      input.id = id;
      input.value = String(control.default);
      input.setAttribute("data-name", control.name);
      var readout = document.createElement("output");
      readout.className = "kobold-live-readout";
      readout.htmlFor = id;
      readouts.push(readout);
      input.addEventListener("input", function () {
        positions[i] = parseInt(input.value, 10);
        show();
      });
      input.addEventListener("change", function () {
        positions[i] = parseInt(input.value, 10);
        show();
      });
      row.appendChild(label);
      row.appendChild(input);
      row.appendChild(readout);
      panel.appendChild(row);
    });
    block.setAttribute("data-kobold-live-ready", "1");
    show();
  }

  function buildAll() {
    var blocks = document.querySelectorAll(".kobold-live");
    for (var i = 0; i < blocks.length; i++) build(blocks[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", buildAll);
  } else {
    buildAll();
  }
})();
