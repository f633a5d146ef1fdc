(function () {
  var filters = document.getElementById("filters");
  if (!filters) { return; }
  filters.hidden = false;
  var boxes = filters.querySelectorAll("input[type=checkbox]");
  for (var i = 0; i < boxes.length; i++) {
    boxes[i].addEventListener("change", function (event) {
      document.body.classList.toggle("hide-" + event.target.value, !event.target.checked);
    });
  }
})();
